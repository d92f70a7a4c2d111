using CnnFromScratch.Gradients;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

/// <summary>Shared checks and inputs for the layer tests.</summary>
internal static class LayerAssert
{
    /// <summary>
    /// Runs <see cref="GradientChecker.CheckLayer"/> and fails with the whole report when any gradient is off.
    /// The default threshold (1e-3) is the course's float32 threshold: with ε = 1e-3 correct float32 layers land near 1e-5…1e-4,
    /// while a wrong index or a missing term gives errors of order 1e-1 or more.
    /// </summary>
    public static GradientCheckReport GradientsMatch(ILayer layer, Tensor input, double threshold = GradientChecker.DefaultThreshold)
    {
        GradientCheckReport report = GradientChecker.CheckLayer(layer, input, seed: 7, threshold: threshold);
        Assert.True(report.Passed, $"{layer.Name}:{Environment.NewLine}{report}");
        Assert.Equal(1 + layer.Parameters.Count, report.Results.Count);
        return report;
    }

    /// <summary>Uniform values in ±[0.1, 1], kept away from 0 where ReLU-like layers have a kink.</summary>
    public static Tensor AwayFromZero(Random random, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++)
            t.Data[i] = (random.Next(2) == 0 ? -1 : 1) * (0.1f + 0.9f * random.NextSingle());
        return t;
    }

    /// <summary>Distinct values (a shuffled ramp with spacing 0.01 plus jitter), so max-pool windows have no near-ties.</summary>
    public static Tensor Distinct(Random random, params int[] shape)
    {
        var t = new Tensor(shape);
        int[] order = Enumerable.Range(0, t.Length).ToArray();
        random.Shuffle(order);
        for (int i = 0; i < t.Length; i++) t.Data[i] = 0.05f * (order[i] - t.Length / 2f) / 5f + 0.001f * random.NextSingle();
        return t;
    }

    /// <summary>Asserts two tensors have the same shape and agree to a relative tolerance of their largest magnitude.</summary>
    public static void Close(Tensor expected, Tensor actual, double relative = 1e-4, string what = "")
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double scale = Math.Max(1e-6, Math.Max(expected.Data.Max(MathF.Abs), actual.Data.Max(MathF.Abs)));
        double diff = expected.MaxAbsDifference(actual);
        Assert.True(diff <= relative * scale, $"{what}: max difference {diff:e3} exceeds {relative:e0} × {scale:e3}");
    }

    /// <summary>Asserts exact equality of values, with the shape.</summary>
    public static void Equal(float[,] expected, Tensor actual)
    {
        Assert.Equal(Tensor.From(expected).Shape, actual.Shape);
        Assert.Equal(Tensor.From(expected).Data, actual.Data);
    }
}
