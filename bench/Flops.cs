using CnnFromScratch.Layers;
using CnnFromScratch.Training;

namespace CnnFromScratch.Bench;

/// <summary>
/// Floating-point operations of the layers, counting a multiply-add as 2: the arithmetic a kernel cannot avoid, so that
/// FLOPs ÷ time compares with the machine's peak. Layers without multiply-adds (ReLU, pooling, Flatten) count 0: they
/// are bound by memory, not arithmetic.
/// </summary>
internal static class Flops
{
    /// <summary>Forward FLOPs of <paramref name="layer"/> on a batch of <paramref name="n"/> samples of <paramref name="sampleShape"/>.</summary>
    public static double Forward(ILayer layer, IReadOnlyList<int> sampleShape, int n) => layer switch
    {
        // z[o,i,j] = b[o] + Σ_c Σ_u Σ_v x̃·W: C·k·k multiply-adds per output element.
        Conv2d conv => 2.0 * n * Elements(conv.OutputShape(sampleShape)) * conv.InChannels * conv.KernelSize * conv.KernelSize,
        Dense dense => 2.0 * n * dense.Inputs * dense.Outputs,
        _ => 0,
    };

    /// <summary>
    /// Backward FLOPs: ∂J/∂W costs what the forward pass costs, and so does ∂J/∂x when <paramref name="inputGradient"/>
    /// (∂J/∂b is a sum, not counted).
    /// </summary>
    public static double Backward(ILayer layer, IReadOnlyList<int> sampleShape, int n, bool inputGradient) =>
        Forward(layer, sampleShape, n) * (inputGradient ? 2 : 1);

    /// <summary>One training step of <paramref name="model"/> on <paramref name="n"/> samples: forward, then backward without the first trainable layer's ∂J/∂x (what <see cref="Trainer.Fit"/> runs: <c>Backward(δ, inputGradient: false)</c>).</summary>
    public static double TrainingStep(Sequential model, int n)
    {
        double sum = 0;
        bool seenTrainable = false;
        for (int k = 0; k < model.Layers.Count; k++)
        {
            ILayer layer = model.Layers[k];
            IReadOnlyList<int> shape = k == 0 ? model.InputShape : model.OutputShapeOf(k - 1);
            sum += Forward(layer, shape, n) + Backward(layer, shape, n, inputGradient: seenTrainable);
            seenTrainable |= layer.Parameters.Count > 0;
        }
        return sum;
    }

    /// <summary>One forward pass of <paramref name="model"/> on <paramref name="n"/> samples.</summary>
    public static double Inference(Sequential model, int n)
    {
        double sum = 0;
        for (int k = 0; k < model.Layers.Count; k++)
            sum += Forward(model.Layers[k], k == 0 ? model.InputShape : model.OutputShapeOf(k - 1), n);
        return sum;
    }

    private static long Elements(IReadOnlyList<int> shape)
    {
        long p = 1;
        foreach (int d in shape) p *= d;
        return p;
    }
}
