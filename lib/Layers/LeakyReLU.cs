using System.Globalization;

namespace CnnFromScratch.Layers;

/// <summary>
/// Leaky ReLU, element-wise: a = z for z &gt; 0, a = α·z otherwise (α is the slope).
/// Backward: ∂J/∂z = ∂J/∂a ⊙ (1 where z &gt; 0, α elsewhere).
/// </summary>
public sealed class LeakyReLU : ElementwiseActivation
{
    private string? _name;  // built once: Forward and Backward pass it to their checks on every batch

    /// <summary>Creates the layer; <paramref name="slope"/> α must be non-negative (0 gives plain ReLU).</summary>
    public LeakyReLU(float slope = 0.01f) : base(backwardReadsInput: true)  // z: the sign of z picks the slope
    {
        if (!(slope >= 0f) || float.IsInfinity(slope))
            throw new ArgumentOutOfRangeException(nameof(slope), slope,
                $"LeakyReLU: the slope for negative inputs must be a finite number ≥ 0 (typically 0.01); got {slope}.");
        Slope = slope;
    }

    /// <summary>α, the slope for negative inputs.</summary>
    public float Slope { get; }

    /// <inheritdoc />
    public override string Name => _name ??= $"LeakyReLU({Slope.ToString(CultureInfo.InvariantCulture)})";

    private protected override void Forward(float[] z, float[] a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = z[i] > 0f ? z[i] : Slope * z[i];
    }

    private protected override void Backward(float[] z, float[] dA, float[] dZ)
    {
        for (int i = 0; i < z.Length; i++) dZ[i] = z[i] > 0f ? dA[i] : Slope * dA[i];
    }
}
