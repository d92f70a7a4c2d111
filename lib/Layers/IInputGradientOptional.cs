using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// A layer whose backward pass can skip ∂J/∂input. Training never needs it for the first layer (its input is the data,
/// not a parameter), and for a convolution it is a third of the backward work; PyTorch skips it too for inputs that do
/// not require a gradient. <see cref="Training.Sequential.AccumulateGradients"/> uses it for the first layer.
/// </summary>
internal interface IInputGradientOptional
{
    /// <summary>Does what <see cref="ILayer.Backward"/> does to the parameter gradients, without computing ∂J/∂input.</summary>
    void BackwardParametersOnly(Tensor dOutput);
}
