using CnnFromScratch.Layers;

namespace CnnFromScratch.Training;

/// <summary>
/// Layers that <see cref="Sequential"/> runs as one: a fast <see cref="BatchNorm"/> of feature maps and the <see cref="ReLU"/>
/// right after it (BatchNorm.FusedReLU.cs), with the bits of the two apart and fewer sweeps over their tensors. The
/// layers stay separate objects: <see cref="Layers"/> lists both, and calling their own Forward and Backward runs them apart.
/// </summary>
public sealed partial class Sequential
{
    // _fusedReLU[k]: layer k is a ReLU that the BatchNorm at k − 1 runs in its own sweeps.
    private static bool[] FusedReLUs(ILayer[] layers, int[] inputShape, int[][] outputShapes)
    {
        var fused = new bool[layers.Length];
        for (int k = 1; k < layers.Length; k++)
            fused[k] = layers[k] is ReLU && layers[k - 1] is BatchNorm bn && bn.CanFuseReLU(k == 1 ? inputShape : outputShapes[k - 2]);
        return fused;
    }
}
