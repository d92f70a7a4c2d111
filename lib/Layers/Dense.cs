using CnnFromScratch.Fast;
using CnnFromScratch.Initialization;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// A fully connected layer: z = x·Wᵀ + b for a batch x (N×D), weights W (K×D) and bias b (K).
/// Backward, with δ = ∂J/∂z (N×K): ∂J/∂W = δᵀx, ∂J/∂b = Σₙ δₙ, ∂J/∂x = δ·W.
/// The naive kernels live in <see cref="FullyConnected"/>; <see cref="Implementation"/> picks them or the fast ones.
/// </summary>
public sealed class Dense : ILayer
{
    private string? _name;   // built once: Forward and Backward pass it to their checks on every batch
    private Tensor? _input;   // x, cached by Forward for ∂J/∂W
    private Tensor? _output;
    private Tensor? _dInput;
    private DensePass? _pass;

    /// <summary>Creates a layer from <paramref name="inputs"/> features to <paramref name="outputs"/>, weights drawn with <paramref name="init"/>, bias zero.</summary>
    public Dense(int inputs, int outputs, Random random, WeightInit init = WeightInit.He, Implementation implementation = Implementation.Fast)
    {
        ArgumentNullException.ThrowIfNull(random);
        LayerErrors.RequireAtLeast(inputs, 1, nameof(inputs), "Dense", "the number of input features");
        LayerErrors.RequireAtLeast(outputs, 1, nameof(outputs), "Dense", "the number of outputs");
        Inputs = inputs;
        Outputs = outputs;
        Implementation = implementation;
        Weights = new Parameter("weights", Initializers.Create(init, random, inputs, outputs, outputs, inputs));
        Bias = new Parameter("bias", new Tensor(outputs));
        Parameters = [Weights, Bias];
    }

    /// <summary>The number of input features D.</summary>
    public int Inputs { get; }

    /// <summary>The number of outputs K.</summary>
    public int Outputs { get; }

    /// <summary>W, of shape outputs×inputs (one row per output).</summary>
    public Parameter Weights { get; }

    /// <summary>b, of shape outputs.</summary>
    public Parameter Bias { get; }

    /// <summary>Which kernels Forward and Backward run; both compute the same values.</summary>
    public Implementation Implementation { get; }

    /// <inheritdoc />
    public string Name => _name ??= $"Dense({Inputs}→{Outputs})";

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        RequireFeatures(inputShape, perSample: true);
        return [Outputs];
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireFeatures(input.Shape, perSample: false);
        Tensor z = Buffers.Result(ref _output, input.Dim(0), Outputs);
        if (Implementation == Implementation.Naive) FullyConnected.ForwardNaive(input, Weights.Value, Bias.Value, z);
        else (_pass ??= new DensePass()).Forward(input.Data, Weights.Value.Data, Bias.Value.Data, z.Data, input.Dim(0), Inputs, Outputs);
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
        int n = _input.Dim(0);
        Tensor? dx = inputGradient ? Buffers.Result(ref _dInput, n, Inputs) : null;
        if (Implementation == Implementation.Naive)
        {
            FullyConnected.BackwardNaive(_input, Weights.Value, dOutput, dx, Weights.Gradient, Bias.Gradient);
            return dx;
        }
        ReadOnlySpan<float> delta = dOutput.Data;
        Span<float> db = Bias.Gradient.Data;
        for (int s = 0; s < n; s++) Simd.MultiplyAdd(1f, delta.Slice(s * Outputs, Outputs), db); // ∂J/∂b = Σₙ δₙ
        // ∂J/∂W += δᵀx and ∂J/∂x = δ·W
        (_pass ??= new DensePass()).Backward(dOutput.Data, _input.Data, Weights.Value.Data, Weights.Gradient.Data, dx?.Data, n, Inputs, Outputs);
        return dx;
    }

    private void RequireFeatures(IReadOnlyList<int> shape, bool perSample)
    {
        int featureAxis = perSample ? 0 : 1;
        if (shape.Count == featureAxis + 1 && shape[featureAxis] == Inputs) return; // checked on every batch: no message unless it fails
        string expected = perSample ? $"{Inputs} (one vector of {Inputs} features)" : $"N×{Inputs}";
        if (shape.Count != featureAxis + 1)
        {
            string cause = shape.Count > featureAxis + 1
                ? $"Dense takes vectors, not images. Did you forget Flatten before Dense? (Flatten turns C×H×W into C·H·W features; here that is {Product(shape, featureAxis)}.)"
                : "Dense takes a batch of vectors, N×D. Reshape a single vector to 1×D.";
            throw new ShapeMismatchException(Name, expected, shape, cause);
        }
        if (shape[featureAxis] != Inputs)
            throw new ShapeMismatchException(Name, expected, shape,
                $"The previous layer outputs {shape[featureAxis]} features; set inputs to {shape[featureAxis]} (or change the layers before this one).");
    }

    private static long Product(IReadOnlyList<int> shape, int from)
    {
        long p = 1;
        for (int i = from; i < shape.Count; i++) p *= shape[i];
        return p;
    }
}
