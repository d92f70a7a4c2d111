using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// One step of a network. <see cref="Forward"/> computes the output and caches exactly what
/// <see cref="Backward(Tensor)"/> needs; <see cref="Backward(Tensor)"/> takes ∂J/∂output, returns ∂J/∂input
/// and adds ∂J/∂parameter into each <see cref="Parameter.Gradient"/>.
/// </summary>
/// <remarks>
/// The tensors Forward and Backward return are yours to keep: a later call never overwrites them. (Inside a training
/// step, where nobody else sees them, the library's layers reuse their buffers; lib/README.md states the rule.)
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

    /// <summary>
    /// <see cref="Backward(Tensor)"/>, and with <paramref name="inputGradient"/> false a layer may skip ∂J/∂input and return
    /// null. Training asks this of the first layer, whose input is the data: for a convolution that saves a third of
    /// the backward work (PyTorch skips it too for inputs that need no gradient). Conv2d and Dense skip it; other layers
    /// compute it anyway.
    /// </summary>
    Tensor? Backward(Tensor dOutput, bool inputGradient) => Backward(dOutput);
}
