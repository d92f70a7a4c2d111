using System.Globalization;
using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Leaky ReLU, element-wise: a = z for z &gt; 0, a = α·z otherwise (α is the slope).
/// Backward: ∂J/∂z = ∂J/∂a ⊙ (1 where z &gt; 0, α elsewhere).
/// </summary>
public sealed class LeakyReLU : ILayer
{
    private string? _name;   // built once: Forward and Backward pass it to their checks on every batch
    private Tensor? _input;  // z: the sign of z picks the slope
    private Tensor? _output;
    private Tensor? _dInput;

    /// <summary>Creates the layer; <paramref name="slope"/> α must be non-negative (0 gives plain ReLU).</summary>
    public LeakyReLU(float slope = 0.01f)
    {
        if (!(slope >= 0f) || float.IsInfinity(slope))
            throw new ArgumentOutOfRangeException(nameof(slope), slope,
                $"LeakyReLU: the slope for negative inputs must be a finite number ≥ 0 (typically 0.01); got {slope}.");
        Slope = slope;
    }

    /// <summary>α, the slope for negative inputs.</summary>
    public float Slope { get; }

    /// <inheritdoc />
    public string Name => _name ??= $"LeakyReLU({Slope.ToString(CultureInfo.InvariantCulture)})";

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape) => Activation.OutputShape(Name, inputShape);

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        Activation.RequireBatch(Name, input);
        Tensor a = Buffers.Result(ref _output, input.Shape);
        ReadOnlySpan<float> z = input.Data;
        Span<float> y = a.Data;
        for (int i = 0; i < z.Length; i++) y[i] = z[i] > 0f ? z[i] : Slope * z[i];
        _input = input;
        return a;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_input is null || _output is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        Tensor dz = Buffers.Result(ref _dInput, _input.Shape);
        ReadOnlySpan<float> z = _input.Data, g = dOutput.Data;
        Span<float> d = dz.Data;
        for (int i = 0; i < z.Length; i++) d[i] = z[i] > 0f ? g[i] : Slope * g[i];
        return dz;
    }
}
