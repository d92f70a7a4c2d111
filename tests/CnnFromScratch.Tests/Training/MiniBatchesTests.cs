using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Training;

public sealed class MiniBatchesTests
{
    // Sample i holds the value i in every input element and in its target, so a batch reveals which samples it holds.
    private static (Tensor Inputs, Tensor Targets) Indexed(int n)
    {
        var x = new Tensor(n, 1, 2, 2);
        var y = new Tensor(n, 1);
        for (int i = 0; i < n; i++)
        {
            for (int e = 0; e < 4; e++) x.Data[i * 4 + e] = i;
            y[i, 0] = i;
        }
        return (x, y);
    }

    private static List<int> OneEpoch(MiniBatches batches)
    {
        batches.Shuffle();
        var seen = new List<int>();
        for (int b = 0; b < batches.Count; b++)
        {
            var (x, y) = batches.Batch(b);
            for (int r = 0; r < x.Dim(0); r++)
            {
                int sample = (int)y[r, 0];
                Assert.All(x.Data.AsSpan(r * 4, 4).ToArray(), v => Assert.Equal(sample, v)); // inputs and targets stay paired
                seen.Add(sample);
            }
        }
        return seen;
    }

    [Fact]
    public void Every_sample_appears_exactly_once_per_epoch_including_the_partial_last_batch()
    {
        var (x, y) = Indexed(10);
        var batches = new MiniBatches(x, y, batchSize: 4, seed: 1);
        Assert.Equal(3, batches.Count);
        Assert.Equal([4, 4, 2], Enumerable.Range(0, 3).Select(batches.SizeOf));
        for (int epoch = 0; epoch < 3; epoch++)
            Assert.Equal(Enumerable.Range(0, 10), OneEpoch(batches).Order());
    }

    [Fact]
    public void Same_seed_gives_the_same_orders_and_another_seed_does_not()
    {
        var (x, y) = Indexed(50);
        var a = new MiniBatches(x, y, 8, seed: 5);
        var b = new MiniBatches(x, y, 8, seed: 5);
        var c = new MiniBatches(x, y, 8, seed: 6);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            List<int> orderA = OneEpoch(a);
            Assert.Equal(orderA, OneEpoch(b));
            Assert.NotEqual(orderA, OneEpoch(c));
            Assert.NotEqual(Enumerable.Range(0, 50), orderA); // actually shuffled
        }
    }

    [Fact]
    public void Order_is_the_identity_until_shuffled()
    {
        var (x, y) = Indexed(5);
        var batches = new MiniBatches(x, y, 2);
        Assert.Equal([0, 1, 2, 3, 4], batches.Order);
        Assert.Equal(new float[] { 4f }, batches.Batch(2).Targets.Data);
    }

    [Fact]
    public void Batches_reuse_their_buffers()
    {
        var (x, y) = Indexed(10);
        var batches = new MiniBatches(x, y, 4);
        var first = batches.Batch(0);
        Assert.Same(first.Inputs, batches.Batch(1).Inputs);
        Assert.Same(first.Targets, batches.Batch(1).Targets);
        Assert.Equal([2, 1, 2, 2], batches.Batch(2).Inputs.Shape);
        Assert.Same(batches.Batch(2).Inputs, batches.Batch(2).Inputs);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_clear_messages()
    {
        var (x, y) = Indexed(10);
        Assert.Contains("at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatches(x, y, 0)).Message);
        var e = Assert.Throws<ArgumentException>(() => new MiniBatches(x, new Tensor(9, 1), 4));
        Assert.Contains("10 samples", e.Message);
        Assert.Contains("9", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatches(x, y, 4).Batch(3));
    }
}
