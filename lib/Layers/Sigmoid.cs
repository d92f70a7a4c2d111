namespace CnnFromScratch.Layers;

/// <summary>
/// The logistic sigmoid, element-wise: a = σ(z) = 1 / (1 + e^(−z)).
/// Backward: ∂J/∂z = ∂J/∂a ⊙ σ(z)(1 − σ(z)), computed from the cached output a.
/// </summary>
public sealed class Sigmoid : ElementwiseActivation
{
    /// <summary>Creates the layer.</summary>
    public Sigmoid() : base(backwardReadsInput: false) { }  // a = σ(z) is all the derivative needs

    /// <inheritdoc />
    public override string Name => "Sigmoid";

    private protected override void Forward(float[] z, float[] a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = 1f / (1f + MathF.Exp(-z[i]));
    }

    private protected override void Backward(float[] a, float[] dA, float[] dZ)
    {
        for (int i = 0; i < a.Length; i++) dZ[i] = dA[i] * a[i] * (1f - a[i]); // ∂J/∂z = ∂J/∂a ⊙ a(1 − a)
    }
}
