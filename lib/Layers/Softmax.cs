using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Softmax over each row of N×K: ŷ_k = e^(z_k − m) / Σ_j e^(z_j − m), with m = max_j z_j so no exponential overflows.
/// Backward is the Jacobian-vector product ∂J/∂z = ŷ ⊙ (g − Σ_k g_k ŷ_k) for g = ∂J/∂ŷ, row by row.
/// </summary>
/// <remarks>For classification, prefer the fused SoftmaxCrossEntropy loss on logits; this layer is for when probabilities are needed mid-network or for teaching.</remarks>
public sealed class Softmax : ILayer
{
    private Tensor? _output;  // ŷ, all the Jacobian needs
    private Tensor? _dInput;

    /// <inheritdoc />
    public string Name => "Softmax";

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count != 1 || inputShape[0] <= 0)
            throw new ShapeMismatchException(Name, "K (one row of class scores)", inputShape,
                "Softmax normalises rows of N×K scores. Put it after a Dense layer (and Flatten images first).");
        return [inputShape[0]];
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 2)
            throw new ShapeMismatchException(Name, "N×K", input.Shape,
                "Softmax normalises rows of N×K scores. Put it after a Dense layer (and Flatten images first).");
        int n = input.Dim(0), k = input.Dim(1);
        Tensor y = Buffers.Result(ref _output, n, k);
        for (int s = 0; s < n; s++) Row(input.Data.AsSpan(s * k, k), y.Data.AsSpan(s * k, k));
        return y;
    }

    /// <summary>
    /// ŷ_j = e^(z_j − m − log Σ_k e^(z_k − m)) for one row z, with m = max_k z_k, summed in double: the one home of the
    /// softmax, used by this layer and by <see cref="Losses.SoftmaxCrossEntropy"/>. Returns m and log Σ_k e^(z_k − m),
    /// from which the cross-entropy follows without taking the log of a tiny ŷ.
    /// </summary>
    internal static (float Max, double LogSum) Row(ReadOnlySpan<float> z, Span<float> p)
    {
        float m = float.NegativeInfinity;
        foreach (float v in z) m = MathF.Max(m, v);
        double sum = 0;
        foreach (float v in z) sum += Math.Exp(v - m);
        double logSum = Math.Log(sum);
        for (int j = 0; j < z.Length; j++) p[j] = (float)Math.Exp(z[j] - m - logSum);
        return (m, logSum);
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_output is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        int n = _output.Dim(0), k = _output.Dim(1);
        Tensor dz = Buffers.Result(ref _dInput, n, k);
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> p = _output.Data.AsSpan(s * k, k), g = dOutput.Data.AsSpan(s * k, k);
            Span<float> d = dz.Data.AsSpan(s * k, k);
            float gDotP = Simd.Dot(g, p);
            for (int j = 0; j < k; j++) d[j] = p[j] * (g[j] - gDotP);
        }
        return dz;
    }
}
