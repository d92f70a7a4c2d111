using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Average pooling over window×window windows moved by the stride, channel by channel: z[n,c,i,j] = (1/window²) Σ_{u,v} x[n,c,i·s+u,j·s+v].
/// Backward spreads each δ[n,c,i,j] evenly, δ/window², over its window (it needs only the input's shape).
/// The kernels live in <see cref="AveragePooling"/>; <see cref="Pooling2d.Implementation"/> picks the naive or the fast one.
/// </summary>
public sealed class AvgPool2d : Pooling2d
{
    /// <summary>Creates the layer; <paramref name="stride"/> defaults to <paramref name="window"/> (windows that tile the input).</summary>
    public AvgPool2d(int window, int? stride = null, Implementation implementation = Implementation.Fast)
        : base("AvgPool2d", window, stride, implementation) { }

    private protected override void Pool(Tensor input, Tensor output)
    {
        if (Implementation == Implementation.Naive) AveragePooling.ForwardNaive(input, Window, Stride, output);
        else AveragePoolingFast.Forward(input, Window, Stride, output);
    }

    private protected override void Unpool(Tensor dOutput, Tensor dInput)
    {
        if (Implementation == Implementation.Naive) AveragePooling.BackwardNaive(dOutput, Window, Stride, dInput);
        else AveragePoolingFast.Backward(dOutput, Window, Stride, dInput);
    }
}
