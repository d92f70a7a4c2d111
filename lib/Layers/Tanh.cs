namespace CnnFromScratch.Layers;

/// <summary>
/// The hyperbolic tangent, element-wise: a = tanh(z).
/// Backward: ∂J/∂z = ∂J/∂a ⊙ (1 − a²), computed from the cached output a.
/// </summary>
public sealed class Tanh : ElementwiseActivation
{
    /// <summary>Creates the layer.</summary>
    public Tanh() : base(backwardReadsInput: false) { }  // a = tanh(z) is all the derivative needs

    /// <inheritdoc />
    public override string Name => "Tanh";

    private protected override void Forward(float[] z, float[] a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = MathF.Tanh(z[i]);
    }

    private protected override void Backward(float[] a, float[] dA, float[] dZ)
    {
        for (int i = 0; i < a.Length; i++) dZ[i] = dA[i] * (1f - a[i] * a[i]); // ∂J/∂z = ∂J/∂a ⊙ (1 − a²)
    }
}
