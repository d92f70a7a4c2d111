using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

public sealed class DropoutTests
{
    [Fact]
    public void Training_mode_zeroes_about_p_of_the_units_and_scales_the_rest_by_1_over_1_minus_p()
    {
        var dropout = new Dropout(0.25f, new Random(1));
        Tensor x = new Tensor(100, 100).Fill(2f);
        Tensor y = dropout.Forward(x);
        int dropped = y.Data.Count(v => v == 0f);
        Assert.InRange(dropped, 2300, 2700);                                 // p = 25 % of 10,000
        Assert.All(y.Data.Where(v => v != 0f), v => Assert.Equal(2f / 0.75f, v, precision: 5));
        Assert.InRange(y.Data.Average(), 1.95, 2.05);                        // E[y] = x: inverted dropout keeps the mean
    }

    [Fact]
    public void Evaluation_mode_is_the_identity_forward_and_backward()
    {
        var dropout = new Dropout(0.5f, new Random(2)) { Training = false };
        Tensor x = Tensor.RandomNormal(new Random(3), 1f, 4, 5);
        LayerAssert.Close(x, dropout.Forward(x), 0, "y = x");
        Tensor delta = Tensor.RandomNormal(new Random(4), 1f, 4, 5);
        LayerAssert.Close(delta, dropout.Backward(delta), 0, "∂J/∂x = ∂J/∂y");
    }

    [Fact]
    public void Backward_multiplies_by_the_same_mask_as_forward()
    {
        var dropout = new Dropout(0.5f, new Random(5));
        Tensor x = Tensor.RandomNormal(new Random(6), 1f, 3, 8);
        Tensor y = dropout.Forward(x);
        Tensor delta = new Tensor(3, 8).Fill(1f);
        Tensor dx = dropout.Backward(delta);
        LayerAssert.Close(dropout.Mask, dx, 0, "∂J/∂x = 1 ⊙ m");
        for (int i = 0; i < x.Length; i++) Assert.Equal(x.Data[i] * dropout.Mask.Data[i], y.Data[i]);
    }

    [Fact]
    public void Backward_matches_numerical_gradient_with_a_fixed_mask()
    {
        var dropout = new Dropout(0.3f, new Random(7)) { FreezeMask = true };
        LayerAssert.GradientsMatch(dropout, Tensor.RandomNormal(new Random(8), 1f, 2, 3, 4, 4));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fast_and_naive_loops_draw_the_same_mask_and_agree_forward_and_backward(bool frozen)
    {
        Tensor x = Tensor.RandomNormal(new Random(10), 1f, 4, 103), delta = Tensor.RandomNormal(new Random(11), 1f, 4, 103); // 412: vector body and tail
        Dropout naive = new(0.3f, new Random(12), Implementation.Naive) { FreezeMask = frozen };
        Dropout fast = new(0.3f, new Random(12), Implementation.Fast) { FreezeMask = frozen };
        for (int batch = 0; batch < 2; batch++)   // the second batch redraws (or, frozen, reuses) the mask
        {
            LayerAssert.Close(naive.Forward(x), fast.Forward(x), 0, "y = x ⊙ m");
            LayerAssert.Close(naive.Mask, fast.Mask, 0, "m");
            LayerAssert.Close(naive.Backward(delta), fast.Backward(delta), 0, "∂J/∂x = ∂J/∂y ⊙ m");
        }
    }

    [Fact]
    public void Backward_of_the_naive_loops_matches_numerical_gradient_with_a_fixed_mask()
    {
        var dropout = new Dropout(0.3f, new Random(13), Implementation.Naive) { FreezeMask = true };
        LayerAssert.GradientsMatch(dropout, Tensor.RandomNormal(new Random(14), 1f, 2, 3, 4, 4));
    }

    [Fact]
    public void The_mask_is_u_i_at_least_p_with_u_i_hashed_from_one_draw_of_the_Random_per_batch()
    {
        var dropout = new Dropout(0.4f, new Random(30));
        var seeds = new Random(30);
        Tensor x = new Tensor(3, 70).Fill(1f);
        for (int batch = 0; batch < 2; batch++)
        {
            dropout.Forward(x);
            uint k = (uint)seeds.Next();
            for (int i = 0; i < x.Length; i++) Assert.Equal(Dropout.Uniform(k, i) >= 0.4f ? 1f / 0.6f : 0f, dropout.Mask.Data[i]);
        }
    }

    // 200,000 units: the kept fraction within 4 standard deviations of 1 − p, for each unit and its neighbour (independent
    // units: both kept with probability (1 − p)²), and for the same unit in two successive masks.
    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void Units_are_kept_with_probability_1_minus_p_independently_of_their_neighbours_and_of_the_last_mask(float p)
    {
        const int n = 200_000;
        var dropout = new Dropout(p, new Random(31));
        Tensor x = new Tensor(1, n).Fill(1f);
        bool[] first = dropout.Forward(x).Data.Select(v => v != 0f).ToArray();
        bool[] second = dropout.Forward(x).Data.Select(v => v != 0f).ToArray();
        void AssertRate(double expected, int count, int trials, string what)
        {
            double sd = Math.Sqrt(expected * (1 - expected) / trials);
            Assert.True(Math.Abs((double)count / trials - expected) < 4 * sd, $"{what}: {(double)count / trials:F4}, expected {expected:F4} ± {4 * sd:F4}");
        }
        double q = 1 - p;
        AssertRate(q, first.Count(k => k), n, "kept");
        AssertRate(q * q, Enumerable.Range(0, n / 2).Count(i => first[2 * i] && first[2 * i + 1]), n / 2, "units 2i and 2i + 1 both kept");
        AssertRate(q * q, Enumerable.Range(0, n).Count(i => first[i] && second[i]), n, "a unit kept in two successive masks");
    }

    [Fact]
    public void A_new_mask_is_drawn_for_every_batch_unless_frozen()
    {
        var dropout = new Dropout(0.5f, new Random(9));
        Tensor x = new Tensor(2, 50).Fill(1f);
        float[] first = (float[])dropout.Forward(x).Data.Clone();
        Assert.NotEqual(first, dropout.Forward(x).Data);
        dropout.FreezeMask = true;
        float[] frozen = (float[])dropout.Forward(x).Data.Clone();
        Assert.Equal(frozen, dropout.Forward(x).Data);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    public void Rejects_a_probability_outside_0_to_1(float p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(p, new Random(0)));
        Assert.Contains("[0, 1)", e.Message);
    }

    [Fact]
    public void Rejects_a_tensor_without_a_batch_dimension()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new Dropout(0.5f, new Random(0)).Forward(Tensor.Vector(1, 2)));
        Assert.Contains("Dropout(p=0.5)", e.Message);
    }
}
