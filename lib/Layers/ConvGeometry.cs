using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>Every size a convolution kernel needs, checked once per call: input N×C×H×W, weights O×C×k×k, output N×O×OH×OW.</summary>
internal readonly record struct ConvGeometry(
    int Batch, int InChannels, int Height, int Width, int OutChannels, int Kernel, int Stride, int Padding, int OutHeight, int OutWidth)
{
    /// <summary>Rows of the im2col matrix: one per weight of a filter, C·k·k.</summary>
    public int PatchSize => InChannels * Kernel * Kernel;

    /// <summary>Output pixels per channel, OH·OW (the columns of the im2col matrix).</summary>
    public int OutPixels => OutHeight * OutWidth;

    /// <summary>Checks the arguments of a convolution kernel and derives the output size.</summary>
    public static ConvGeometry Of(Tensor input, Tensor weights, int stride, int padding)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Rank != 4 || weights.Dim(2) != weights.Dim(3))
            throw new ShapeMismatchException("Convolution (weights)", "O×C×k×k (square kernels, one k×k slice per input channel)", weights.Shape,
                "A single k×k kernel is 1×1×k×k: Reshape(1, 1, k, k).");
        // The same checks and messages as the layers give, so calling a kernel directly teaches as much.
        ImageInput.Check("Convolution", input.Shape, hasBatch: true, weights.Dim(1), weights.Dim(2), stride, padding);
        int k = weights.Dim(2);
        return new ConvGeometry(input.Dim(0), input.Dim(1), input.Dim(2), input.Dim(3), weights.Dim(0), k, stride, padding,
            ConvArithmetic.OutputSize(input.Dim(2), k, stride, padding), ConvArithmetic.OutputSize(input.Dim(3), k, stride, padding));
    }

    /// <summary>Checks that a bias has one value per output channel.</summary>
    public void RequireBias(Tensor bias, string name)
    {
        ArgumentNullException.ThrowIfNull(bias, name);
        if (bias.Rank != 1 || bias.Length != OutChannels)
            throw new ArgumentException(
                $"The bias must have {OutChannels} elements (one per output channel); got {TensorShape.Format(bias.Shape)}. " +
                $"Use a vector of length O = {OutChannels}: new Tensor({OutChannels}) or Tensor.Vector(…).", name);
    }

    /// <summary>The given output buffer after checking its shape, or a new one.</summary>
    public Tensor Output(Tensor? output) => Require(output, "output", Batch, OutChannels, OutHeight, OutWidth);

    /// <summary>Checks ∂J/∂output has the output's shape.</summary>
    public void RequireDOutput(Tensor dOutput) => Require(dOutput, "dOutput", Batch, OutChannels, OutHeight, OutWidth);

    /// <summary>The given ∂J/∂input buffer after checking its shape, or a new one.</summary>
    public Tensor DInput(Tensor? dInput) => Require(dInput, "dInput", Batch, InChannels, Height, Width);

    /// <summary>The given ∂J/∂W buffer after checking its shape, or a new one.</summary>
    public Tensor DWeights(Tensor? dWeights) => Require(dWeights, "dWeights", OutChannels, InChannels, Kernel, Kernel);

    /// <summary>The given ∂J/∂b buffer after checking its shape, or a new one.</summary>
    public Tensor DBias(Tensor? dBias)
    {
        if (dBias is null) return new Tensor(OutChannels);
        RequireBias(dBias, nameof(dBias));
        return dBias;
    }

    /// <summary>How to get the right tensor: the gradient of this call's own output, or no buffer at all.</summary>
    internal static string ShapeHint(string name) => name == "dOutput"
        ? "Pass δ = ∂J/∂output for this kernel's own output: it has the shape the forward pass returned."
        : $"{name} receives the result: give it exactly that shape, or pass null where it is optional and get a new tensor.";

    private static Tensor Require(Tensor? t, string name, int a, int b, int c, int d)
    {
        if (t is null) return new Tensor(a, b, c, d);
        if (t.Rank != 4 || t.Dim(0) != a || t.Dim(1) != b || t.Dim(2) != c || t.Dim(3) != d)
            throw new ArgumentException($"{name} must have shape {a}×{b}×{c}×{d}; got {TensorShape.Format(t.Shape)}. {ShapeHint(name)}", name);
        return t;
    }
}
