using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Max pooling over window×window windows moved by the stride, channel by channel: z[n,c,i,j] = max_{u,v} x[n,c,i·s+u,j·s+v].
/// Backward routes each δ[n,c,i,j] to the position of its window's maximum (upsampling δ); every other input gets 0.
/// The kernels live in <see cref="MaxPooling"/>; <see cref="Pooling2d.Implementation"/> picks the naive or the fast one.
/// </summary>
public sealed class MaxPool2d : Pooling2d
{
    private Tensor? _input;      // the naive backward searches the maxima again
    private int[] _argmax = [];  // the fast forward records them

    /// <summary>Creates the layer; <paramref name="stride"/> defaults to <paramref name="window"/> (windows that tile the input).</summary>
    public MaxPool2d(int window, int? stride = null, Implementation implementation = Implementation.Fast)
        : base("MaxPool2d", window, stride, implementation) { }

    private protected override void Pool(Tensor input, Tensor output)
    {
        if (Implementation == Implementation.Naive) MaxPooling.ForwardNaive(input, Window, Stride, output);
        else
        {
            if (_argmax.Length != output.Length) _argmax = new int[output.Length];
            MaxPoolingFast.Forward(input, Window, Stride, output, _argmax);
        }
        _input = input;
    }

    private protected override void Unpool(Tensor dOutput, Tensor dInput)
    {
        if (Implementation == Implementation.Naive) MaxPooling.BackwardNaive(_input!, dOutput, Window, Stride, dInput);
        else MaxPoolingFast.Backward(dOutput, _argmax, Window, Stride, dInput);
    }
}
