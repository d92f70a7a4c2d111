using CnnFromScratch.Fast;

namespace CnnFromScratch.Layers;

/// <summary>
/// The rectified linear unit, element-wise: a = max(0, z).
/// Backward: ∂J/∂z = ∂J/∂a ⊙ 1[z &gt; 0] (the derivative at exactly 0 is taken as 0).
/// </summary>
public sealed class ReLU : ElementwiseActivation
{
    /// <summary>Creates the layer.</summary>
    public ReLU() : base(backwardReadsInput: false) { }  // a > 0 exactly where z > 0, so a is all Backward needs

    /// <inheritdoc />
    public override string Name => "ReLU";

    private protected override void Forward(float[] z, float[] a) => Simd.Relu(z, a); // a_i = max(0, z_i), eight at a time

    private protected override void Backward(float[] a, float[] dA, float[] dZ) =>
        Simd.ReluBackward(a, dA, dZ); // ∂J/∂z_i = ∂J/∂a_i where a_i > 0, else 0
}
