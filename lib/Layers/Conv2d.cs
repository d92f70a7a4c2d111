using CnnFromScratch.Fast;
using CnnFromScratch.Initialization;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// A 2-D convolution layer: z[n,o,i,j] = b[o] + Σ_c Σ_u Σ_v x̃[n,c,i·s+u,j·s+v] · W[o,c,u,v], with x̃ the input zero-padded by p.
/// Backward: ∂J/∂b = Σ δ, ∂J/∂W = x̃ ⊛ δ (valid cross-correlation), ∂J/∂x = full convolution of δ with rot180(W).
/// The kernels live in <see cref="Convolution"/>; <see cref="Implementation"/> picks the naive or the fast one.
/// </summary>
public sealed class Conv2d : ILayer
{
    private string? _name;   // built once: Forward and Backward pass it to their checks on every batch
    private Tensor? _input;  // x, all Backward needs besides W
    private Tensor? _output;
    private Tensor? _dInput;

    /// <summary>
    /// Creates a layer of <paramref name="outChannels"/> filters of size <paramref name="inChannels"/>×k×k, weights drawn with
    /// <paramref name="init"/> (fan-in C·k·k), bias zero.
    /// </summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Random random, int stride = 1, int padding = 0,
        WeightInit init = WeightInit.He, Implementation implementation = Implementation.Fast)
    {
        ArgumentNullException.ThrowIfNull(random);
        LayerErrors.RequireAtLeast(inChannels, 1, nameof(inChannels), "Conv2d", "the number of input channels (1 for grey images)");
        LayerErrors.RequireAtLeast(outChannels, 1, nameof(outChannels), "Conv2d", "the number of filters");
        LayerErrors.RequireAtLeast(kernelSize, 1, nameof(kernelSize), "Conv2d", "the kernel size");
        LayerErrors.RequireAtLeast(stride, 1, nameof(stride), "Conv2d", "the stride (1 visits every position)");
        LayerErrors.RequireAtLeast(padding, 0, nameof(padding), "Conv2d", "the zero padding");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Implementation = implementation;
        int fanIn = inChannels * kernelSize * kernelSize, fanOut = outChannels * kernelSize * kernelSize;
        Weights = new Parameter("weights", Initializers.Create(init, random, fanIn, fanOut, outChannels, inChannels, kernelSize, kernelSize));
        Bias = new Parameter("bias", new Tensor(outChannels));
        Parameters = [Weights, Bias];
    }

    /// <summary>C, the channels of the input.</summary>
    public int InChannels { get; }

    /// <summary>O, the number of filters (output channels).</summary>
    public int OutChannels { get; }

    /// <summary>k, the side of each square kernel.</summary>
    public int KernelSize { get; }

    /// <summary>s, the step between neighbouring windows.</summary>
    public int Stride { get; }

    /// <summary>p, the rows and columns of zeros added around the input.</summary>
    public int Padding { get; }

    /// <summary>W, of shape outChannels×inChannels×k×k.</summary>
    public Parameter Weights { get; }

    /// <summary>b, one per output channel.</summary>
    public Parameter Bias { get; }

    /// <summary>Which kernels Forward and Backward run; both compute the same values.</summary>
    public Implementation Implementation { get; }

    /// <inheritdoc />
    public string Name => _name ??= $"Conv2d({InChannels}→{OutChannels}, {KernelSize}×{KernelSize}, stride {Stride}, padding {Padding})";

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        (_, int oh, int ow) = ImageInput.Check(Name, inputShape, hasBatch: false, InChannels, KernelSize, Stride, Padding);
        return [OutChannels, oh, ow];
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        (_, int oh, int ow) = ImageInput.Check(Name, input.Shape, hasBatch: true, InChannels, KernelSize, Stride, Padding);
        Tensor z = Buffers.Result(ref _output, input.Dim(0), OutChannels, oh, ow);
        if (Implementation == Implementation.Naive) Convolution.ForwardNaive(input, Weights.Value, Bias.Value, Stride, Padding, z);
        else ConvolutionFast.Forward(input, Weights.Value, Bias.Value, Stride, Padding, z);
        _input = input;
        return z;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput) => Backward(dOutput, inputGradient: true)!;

    /// <inheritdoc />
    public Tensor? Backward(Tensor dOutput, bool inputGradient)
    {
        if (_input is null || _output is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        if (Implementation == Implementation.Naive) // the naive kernel always computes ∂J/∂x, to stay literal
        {
            Tensor dInput = Buffers.Result(ref _dInput, _input.Shape);
            Convolution.BackwardNaive(_input, Weights.Value, dOutput, Stride, Padding, dInput, Weights.Gradient, Bias.Gradient);
            return dInput;
        }
        Tensor? dx = inputGradient ? Buffers.Result(ref _dInput, _input.Shape) : null;
        ConvolutionFast.Backward(_input, Weights.Value, dOutput, Stride, Padding, dx, Weights.Gradient, Bias.Gradient);
        return dx;
    }
}
