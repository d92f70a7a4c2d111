using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

/// <summary>The fast batch-norm kernels against the naive loops, and the same bits for any thread count.</summary>
[Collection(nameof(WorkerPoolSettings))]
public sealed class BatchNormFastTests
{
    // 5×3×7×9: 63 values per plane (vector body and tail), one chunk. 16×6×28×28: LeNet-5's first feature maps, split across
    // the cores. 6×5 and 64×120: dense features (S = 1).
    [Theory]
    [InlineData(true, new[] { 5, 3, 7, 9 })]
    [InlineData(false, new[] { 5, 3, 7, 9 })]
    [InlineData(true, new[] { 16, 6, 28, 28 })]
    [InlineData(false, new[] { 16, 6, 28, 28 })]
    [InlineData(true, new[] { 6, 5 })]
    [InlineData(true, new[] { 64, 120 })]
    [InlineData(false, new[] { 64, 120 })]
    public void Fast_and_naive_kernels_agree_forward_and_backward(bool training, int[] shape)
    {
        var random = new Random(9);
        Tensor x = Tensor.RandomNormal(random, 3f, shape), delta = Tensor.RandomNormal(random, 1f, shape);
        for (int i = 0; i < x.Length; i++) x.Data[i] += 2f;   // a mean far from 0
        BatchNorm naive = Make(Implementation.Naive, shape, training), fast = Make(Implementation.Fast, shape, training);
        LayerAssert.Close(naive.Forward(x), fast.Forward(x), 1e-5, "y");
        LayerAssert.Close(naive.Backward(delta), fast.Backward(delta), 1e-5, "∂J/∂x");
        LayerAssert.Close(naive.Gamma.Gradient, fast.Gamma.Gradient, 1e-4, "∂J/∂γ");
        LayerAssert.Close(naive.Beta.Gradient, fast.Beta.Gradient, 1e-4, "∂J/∂β");
        LayerAssert.Close(naive.RunningMean, fast.RunningMean, 1e-5, "μ_run");
        LayerAssert.Close(naive.RunningVariance, fast.RunningVariance, 1e-5, "σ²_run");
    }

    // The fast kernels take the channels in blocks of Vector<float>.Count (8 or 16): 84 features end in a block that overlaps
    // the one before it, 120 in whole blocks, 13 in one block and an overlapping one, and 5 are fewer than a block (the naive loops).
    [Theory]
    [InlineData(true, 84)]
    [InlineData(false, 84)]
    [InlineData(true, 120)]
    [InlineData(true, 13)]
    [InlineData(false, 13)]
    [InlineData(true, 5)]
    public void For_dense_features_the_fast_kernels_give_the_naive_bits(bool training, int features)
    {
        int[] shape = [32, features];
        var random = new Random(16);
        Tensor x = Tensor.RandomNormal(random, 3f, shape), delta = Tensor.RandomNormal(random, 1f, shape);
        BatchNorm naive = Make(Implementation.Naive, shape, training), fast = Make(Implementation.Fast, shape, training);
        Assert.Equal(naive.Forward(x).Data, fast.Forward(x).Data);
        Assert.Equal(naive.Backward(delta).Data, fast.Backward(delta).Data);
        Assert.Equal(naive.Gamma.Gradient.Data, fast.Gamma.Gradient.Data);
        Assert.Equal(naive.RunningVariance.Data, fast.RunningVariance.Data);
    }

    // Feature maps go through the kernels a group of channels at a time (BatchNormFast.GroupValues): one channel per group,
    // three, or all at once must give the same bits, as only the order of the passes changes. 16×6×28×28 at a budget of one
    // channel; 23×6×28×28 at three, where the 8 chunks of a group's 69 planes begin in the middle of a sample; 8×16×10×10
    // (LeNet-5's second maps) at three channels: groups of 3, 3, 3, 3, 3 and 1.
    [Theory]
    [InlineData(new[] { 16, 6, 28, 28 }, 16 * 28 * 28)]
    [InlineData(new[] { 23, 6, 28, 28 }, 3 * 23 * 28 * 28)]
    [InlineData(new[] { 8, 16, 10, 10 }, 3 * 8 * 10 * 10)]
    public void Fast_kernels_give_the_same_bits_for_any_group_of_channels(int[] shape, int groupValues)
    {
        var random = new Random(21);
        Tensor x = Tensor.RandomNormal(random, 2f, shape), delta = Tensor.RandomNormal(random, 1f, shape);
        for (int i = 0; i < x.Length; i++) x.Data[i] += 1f;
        (float[] Y, float[] Dx, float[] DGamma, float[] DBeta, float[] Variance) Run(int values)
        {
            int saved = BatchNormFast.GroupValues;
            BatchNormFast.GroupValues = values;
            try
            {
                BatchNorm bn = Make(Implementation.Fast, shape, training: true);
                float[] y = (float[])bn.Forward(x).Data.Clone();
                return (y, bn.Backward(delta).Data, bn.Gamma.Gradient.Data, bn.Beta.Gradient.Data, bn.RunningVariance.Data);
            }
            finally { BatchNormFast.GroupValues = saved; }
        }
        int saved = BatchNormFast.GroupValues;
        BatchNormFast.GroupValues = groupValues;
        try { Assert.True(BatchNormFast.GroupEnd(shape[0], shape[1], shape[2] * shape[3], 0) < shape[1], "the budget splits the channels"); }
        finally { BatchNormFast.GroupValues = saved; }
        var whole = Run(int.MaxValue);
        var grouped = Run(groupValues);
        Assert.Equal(whole.Y, grouped.Y);
        Assert.Equal(whole.Dx, grouped.Dx);
        Assert.Equal(whole.DGamma, grouped.DGamma);
        Assert.Equal(whole.DBeta, grouped.DBeta);
        Assert.Equal(whole.Variance, grouped.Variance);
    }

    [Fact]
    public void Fast_kernels_give_the_same_bits_with_one_and_two_threads()
    {
        int[] shape = [32, 6, 28, 28];
        var random = new Random(13);
        Tensor x = Tensor.RandomNormal(random, 2f, shape), delta = Tensor.RandomNormal(random, 1f, shape);
        (float[] Y, float[] Dx, float[] DGamma, float[] Variance) Run(int threads)
        {
            int saved = WorkerPool.ThreadCount;
            WorkerPool.ThreadCount = threads;
            try
            {
                BatchNorm bn = Make(Implementation.Fast, shape, training: true);
                float[] y = (float[])bn.Forward(x).Data.Clone();
                return (y, bn.Backward(delta).Data, bn.Gamma.Gradient.Data, bn.RunningVariance.Data);
            }
            finally { WorkerPool.ThreadCount = saved; }
        }
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.Dx, two.Dx);
        Assert.Equal(one.DGamma, two.DGamma);
        Assert.Equal(one.Variance, two.Variance);
    }

    // The fast statistics sum four planes at a time; each plane must still be summed as Simd.Sum sums it alone (one vector
    // accumulator, then the tail in order), the plane sums added per channel in sample order in double: the bits the chapters
    // printed before. 3×5×9×9: 15 planes (a last group of three) of 81 values (a tail of one); 32×16×10×10: LeNet-5's second
    // feature maps; 2×3×4×4: six planes of two whole vectors.
    [Theory]
    [InlineData(new[] { 3, 5, 9, 9 })]
    [InlineData(new[] { 32, 16, 10, 10 })]
    [InlineData(new[] { 2, 3, 4, 4 })]
    public void Fast_statistics_sum_each_plane_in_the_order_of_Simd_Sum(int[] shape)
    {
        int n = shape[0], c = shape[1], s = shape[2] * shape[3];
        float[] x = Tensor.RandomNormal(new Random(17), 2f, shape).Data;
        for (int i = 0; i < x.Length; i++) x[i] += 1.5f;
        double[] mean = new double[c], variance = new double[c];
        BatchNormFast.Statistics(x, n, c, s, 0, c, mean, variance);
        float[] squares = new float[s];
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0, squaredDeviations = 0;
            for (int i = 0; i < n; i++) sum += Simd.Sum(x.AsSpan((i * c + ch) * s, s));
            Assert.Equal(sum / (n * s), mean[ch]);
            float mu = (float)mean[ch];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < s; j++) { float d = x[(i * c + ch) * s + j] - mu; squares[j] = d * d; }
                squaredDeviations += Simd.Sum(squares);
            }
            Assert.Equal(squaredDeviations / (n * s), variance[ch]);
        }
    }

    // Backward's sums, likewise: Σ δ four planes at a time and Σ δ x̂ with x̂ made again from x on the fly must give, plane by
    // plane, Simd.Sum(δ) and Simd.Dot(δ, x̂) over a stored x̂ = (x − μ)·invStd (in float, as Forward computes it).
    [Theory]
    [InlineData(new[] { 3, 5, 9, 9 })]
    [InlineData(new[] { 32, 6, 28, 28 })]
    [InlineData(new[] { 2, 3, 6, 6 })]
    public void Fast_backward_sums_give_the_bits_of_Simd_Sum_and_Dot_over_a_stored_x_hat(int[] shape)
    {
        int n = shape[0], c = shape[1], s = shape[2] * shape[3];
        var random = new Random(18);
        float[] x = Tensor.RandomNormal(random, 2f, shape).Data, delta = Tensor.RandomNormal(random, 1f, shape).Data;
        double[] mean = new double[c], invStd = new double[c], sumDelta = new double[c], sumDeltaXHat = new double[c];
        for (int ch = 0; ch < c; ch++) (mean[ch], invStd[ch]) = (0.3 * ch - 0.4, 0.8 + 0.1 * ch);
        BatchNormFast.Sums(delta, x, n, c, s, 0, c, mean, invStd, sumDelta, sumDeltaXHat);
        float[] xHat = new float[s];
        for (int ch = 0; ch < c; ch++)
        {
            double sd = 0, sdx = 0;
            for (int i = 0; i < n; i++)
            {
                int from = (i * c + ch) * s;
                for (int j = 0; j < s; j++) xHat[j] = (x[from + j] - (float)mean[ch]) * (float)invStd[ch];
                sd += Simd.Sum(delta.AsSpan(from, s));
                sdx += Simd.Dot(delta.AsSpan(from, s), xHat);
            }
            Assert.Equal(sd, sumDelta[ch]);
            Assert.Equal(sdx, sumDeltaXHat[ch]);
        }
    }

    [Fact]
    public void Backward_of_the_fast_kernels_matches_numerical_gradient_for_dense_features_and_feature_maps()
    {
        var maps = new BatchNorm(2, implementation: Implementation.Fast);
        maps.Gamma.Value.CopyFrom(Tensor.Vector(1.2f, -0.6f));
        LayerAssert.GradientsMatch(maps, Tensor.RandomNormal(new Random(14), 1f, 3, 2, 5, 5));
        var dense = new BatchNorm(3, implementation: Implementation.Fast);
        dense.Gamma.Value.CopyFrom(Tensor.Vector(1.5f, -0.7f, 0.3f));
        LayerAssert.GradientsMatch(dense, Tensor.RandomNormal(new Random(15), 1f, 6, 3));
    }

    private static BatchNorm Make(Implementation implementation, int[] shape, bool training)
    {
        int c = shape[1];
        var random = new Random(10);
        var bn = new BatchNorm(c, implementation: implementation);
        for (int ch = 0; ch < c; ch++) { bn.Gamma.Value[ch] = 0.5f + random.NextSingle(); bn.Beta.Value[ch] = random.NextSingle() - 0.5f; }
        bn.Forward(Tensor.RandomNormal(new Random(11), 2f, shape));   // the same running statistics in both
        bn.Training = training;
        return bn;
    }
}
