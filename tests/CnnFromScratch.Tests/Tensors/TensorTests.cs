using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Tensors;

public sealed class TensorTests
{
    [Fact]
    public void Indexers_are_row_major()
    {
        var t = new Tensor(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), 2, 3, 2, 2);
        Assert.Equal(1 * 12 + 2 * 4 + 1 * 2 + 1, t[1, 2, 1, 1]);
        Assert.Equal(t[1, 2, 1, 1], t[[1, 2, 1, 1]]);
        var m = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(6f, m[1, 2]);
    }

    [Fact]
    public void Reshape_is_a_view_and_infers_one_dimension()
    {
        var t = new Tensor(2, 3, 4);
        Tensor flat = t.Reshape(2, -1);
        Assert.Equal(new[] { 2, 12 }, flat.Shape);
        flat[1, 11] = 7f;
        Assert.Equal(7f, t[1, 2, 3]);
    }

    [Fact]
    public void Bad_shapes_and_indices_explain_themselves()
    {
        var e = Assert.Throws<ArgumentException>(() => new Tensor(new float[5], 2, 3));
        Assert.Contains("2×3 holds 6 elements", e.Message);
        var r = Assert.Throws<ArgumentException>(() => new Tensor(2, 3).Reshape(4, -1));
        Assert.Contains("not a multiple", r.Message);
        var i = Assert.Throws<ArgumentOutOfRangeException>(() => new Tensor(2, 3)[2, 0]);
        Assert.Contains("dimension 0 of size 2", i.Message);
        Assert.Throws<ArgumentException>(() => new Tensor(2, 3) + new Tensor(3, 2));
    }

    [Fact]
    public void Element_wise_operators_and_reductions()
    {
        var a = Tensor.Vector(1, 2, 3);
        var b = Tensor.Vector(4, 5, 6);
        Assert.Equal(new float[] { 5, 7, 9 }, (a + b).Data);
        Assert.Equal(new float[] { -3, -3, -3 }, (a - b).Data);
        Assert.Equal(new float[] { 4, 10, 18 }, (a * b).Data);
        Assert.Equal(new float[] { 2, 4, 6 }, (2f * a).Data);
        Assert.Equal(6.0, a.Sum());
        Assert.Equal(3f, a.MaxAbsDifference(b));
    }

    [Fact]
    public void Seeded_random_tensors_repeat_and_have_the_asked_spread()
    {
        Tensor x = Tensor.RandomNormal(new Random(7), 2f, 100_000);
        Assert.Equal(x.Data, Tensor.RandomNormal(new Random(7), 2f, 100_000).Data);
        double mean = x.Sum() / x.Length;
        double variance = x.Data.Sum(v => (v - mean) * (v - mean)) / x.Length;
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(Math.Sqrt(variance), 1.97, 2.03);
    }

    [Fact]
    public void ToString_shows_shape_and_nested_values()
    {
        string s = Tensor.From(new float[,] { { 1, 2.5f }, { 3, 4 } }).ToString();
        Assert.Equal("Tensor 2×2\n[[1, 2.5],\n [3, 4]]", s);
        Assert.Contains("…", Tensor.Vector(Enumerable.Range(0, 20).Select(i => (float)i).ToArray()).ToString());
    }
}
