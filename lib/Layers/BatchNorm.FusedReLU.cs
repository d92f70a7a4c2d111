using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Layers;

/// <summary>
/// Batch norm and the ReLU after it as one layer, for <see cref="Sequential"/>: a = max(0, y), y = γ x̂ + β, in the sweep that
/// computes y, and backward ∂J/∂y = ∂J/∂a where y &gt; 0 (else 0) in the sweep that sums it, with y made again from x as x̂ is.
/// The bits are those of the two layers one after the other; what goes is ReLU's own sweeps over the tensor (4.8 MB for
/// LeNet-5's first feature maps at batch 256): forward, y written and read back; backward, a read, and ∂J/∂y written and
/// read back. Sequential fuses a fast BatchNorm of feature maps (H·W of a vector or more) with a ReLU right after it;
/// calling the layers' own Forward and Backward, one by one, still runs them apart.
/// </summary>
public sealed partial class BatchNorm
{
    /// <summary>Whether Sequential may run this layer and a ReLU after it as one, for per-sample inputs of <paramref name="inputShape"/>.</summary>
    internal bool CanFuseReLU(IReadOnlyList<int> inputShape) =>
        Implementation == Implementation.Fast && inputShape.Count == 3 && BatchNormFast.CanFuseReLU(inputShape[1] * inputShape[2]);

    /// <summary>Forward, then <paramref name="relu"/>'s Forward: returns the ReLU's output, which the ReLU then holds as its own.</summary>
    internal Tensor ForwardThroughReLU(Tensor input, ReLU relu) => Forward(input, relu);

    /// <summary>The ReLU's Backward, then this layer's, from ∂J/∂a of the ReLU fused by the last Forward: returns ∂J/∂x.</summary>
    internal Tensor BackwardThroughReLU(Tensor dA)
    {
        if (!_lastForwardThroughReLU)
            throw new InvalidOperationException($"{Name}: BackwardThroughReLU after a Forward without the ReLU; call Backward.");
        return Backpropagate(dA, throughReLU: true);
    }
}
