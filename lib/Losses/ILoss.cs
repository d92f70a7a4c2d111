using CnnFromScratch.Tensors;

namespace CnnFromScratch.Losses;

/// <summary>
/// A loss J that compares a batch of predictions (N×K) with targets (N×K, one-hot for classes).
/// J is the mean over the batch, so <see cref="Backward"/> returns ∂J/∂prediction already divided by N.
/// </summary>
public interface ILoss
{
    /// <summary>A short name for messages and tables.</summary>
    string Name { get; }

    /// <summary>The mean loss over the batch; caches what <see cref="Backward"/> needs.</summary>
    double Forward(Tensor prediction, Tensor target);

    /// <summary>∂J/∂prediction for the last <see cref="Forward"/> call.</summary>
    Tensor Backward();
}
