using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// One step of a network. <see cref="Forward"/> computes the output and caches exactly what
/// <see cref="Backward"/> needs; <see cref="Backward"/> takes ∂J/∂output, returns ∂J/∂input
/// and adds ∂J/∂parameter into each <see cref="Parameter.Gradient"/>.
/// </summary>
/// <remarks>
/// A layer owns the tensors it returns and reuses them on the next call with the same batch size,
/// so training allocates nothing per batch. Call <see cref="Tensor.Clone"/> to keep a result
/// across calls.
/// </remarks>
public interface ILayer
{
    /// <summary>A short description used in messages, such as "Conv2d(1→2, 5×5, stride 1, padding 0)".</summary>
    string Name { get; }

    /// <summary>The trainable parameters (empty for layers without any).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// The shape of one sample's output for one sample's input shape (without the batch dimension N),
    /// for example 2×24×24 for 1×28×28. Throws a message naming this layer when the input does not fit,
    /// so a model can reject a bad design when it is built rather than at the first batch.
    /// </summary>
    int[] OutputShape(IReadOnlyList<int> inputShape);

    /// <summary>Computes the output for a batch and caches what the backward pass needs.</summary>
    Tensor Forward(Tensor input);

    /// <summary>Given ∂J/∂output of the last <see cref="Forward"/>, returns ∂J/∂input and accumulates parameter gradients.</summary>
    Tensor Backward(Tensor dOutput);
}
