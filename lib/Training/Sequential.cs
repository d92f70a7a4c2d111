using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Training;

/// <summary>
/// A network as a chain of layers: the forward pass runs them in order, the backward pass in reverse order,
/// each layer's ∂J/∂input becoming the previous layer's ∂J/∂output.
/// </summary>
/// <remarks>
/// The constructor works out every layer's output shape from the per-sample input shape, so a design that does not fit
/// (say, a Dense layer expecting 300 inputs after a Flatten that gives 288) fails when it is built, naming the layer.
/// Layers are numbered from 0, as in <see cref="Layers"/>.
/// </remarks>
public sealed partial class Sequential
{
    private readonly ILayer[] _layers;
    private readonly int[] _inputShape;
    private readonly int[][] _outputShapes;
    private readonly Parameter[] _parameters;
    private readonly int _firstTrainable; // the first layer with parameters: Backward without ∂J/∂input stops there
    private readonly bool[] _fusedReLU;   // a ReLU run by the BatchNorm before it (Sequential.Fusion.cs)
    private bool _training = true;

    /// <summary>Builds the model and checks that every layer accepts the shape the previous one produces.</summary>
    /// <param name="inputShape">The shape of one sample, without the batch dimension, e.g. [1, 28, 28].</param>
    /// <param name="layers">The layers, first to last.</param>
    public Sequential(int[] inputShape, params ILayer[] layers)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(layers);
        if (inputShape.Length == 0 || inputShape.Any(d => d <= 0))
            throw new ArgumentException(
                $"The input shape {TensorShape.Format(inputShape)} must list the positive size of each dimension of one sample, without the batch size, e.g. [1, 28, 28] for MNIST.",
                nameof(inputShape));
        if (layers.Length == 0)
            throw new ArgumentException("A model needs at least one layer.", nameof(layers));

        _inputShape = (int[])inputShape.Clone();
        _layers = (ILayer[])layers.Clone();
        _outputShapes = new int[_layers.Length][];
        int[] shape = _inputShape;
        for (int k = 0; k < _layers.Length; k++)
        {
            ILayer layer = _layers[k] ?? throw new ArgumentException($"Layer {k} is null.", nameof(layers));
            string source = k == 0 ? "the model input" : $"layer {k - 1} ({_layers[k - 1].Name})";
            try
            {
                shape = layer.OutputShape(shape);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new ArgumentException(
                    $"Layer {k} ({layer.Name}) cannot take the per-sample shape {TensorShape.Format(shape)} that it receives from {source}: {e.Message}",
                    nameof(layers), e);
            }
            _outputShapes[k] = shape;
        }
        _parameters = _layers.SelectMany(l => l.Parameters).ToArray();
        while (_firstTrainable < _layers.Length - 1 && _layers[_firstTrainable].Parameters.Count == 0) _firstTrainable++;
        _fusedReLU = FusedReLUs(_layers, _inputShape, _outputShapes);
    }

    /// <summary>The layers, first to last (layer k is Layers[k]).</summary>
    public IReadOnlyList<ILayer> Layers => _layers;

    /// <summary>The shape of one input sample, e.g. 1×28×28.</summary>
    public IReadOnlyList<int> InputShape => _inputShape;

    /// <summary>The shape of one output sample, e.g. 10 for ten class scores.</summary>
    public IReadOnlyList<int> OutputShape => _outputShapes[^1];

    /// <summary>The per-sample output shape of layer <paramref name="k"/>, as worked out at construction.</summary>
    public IReadOnlyList<int> OutputShapeOf(int k) => _outputShapes[k];

    /// <summary>Every trainable parameter of every layer, in layer order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>
    /// Training mode (true, the default) or evaluation mode (false) for every layer that has both (<see cref="ITrainingMode"/>:
    /// Dropout, BatchNorm). <see cref="Evaluate"/> and <see cref="Predict"/> always run in evaluation mode and then restore this;
    /// <see cref="Trainer.Fit"/> sets it to true.
    /// </summary>
    public bool Training
    {
        get => _training;
        set
        {
            _training = value;
            foreach (ILayer layer in _layers)
                if (layer is ITrainingMode modal) modal.Training = value;
        }
    }

    /// <summary>The total number of trainable numbers.</summary>
    public int ParameterCount => _parameters.Sum(p => p.Value.Length);

    /// <summary>Runs the layers in order on a batch (N × input shape) and returns the last layer's output (owned by that layer).</summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireSamples(input, _inputShape, "inputs");
        Tensor a = input;
        for (int k = 0; k < _layers.Length; k++)
        {
            if (k + 1 < _layers.Length && _fusedReLU[k + 1])
            {
                a = ((BatchNorm)_layers[k]).ForwardThroughReLU(a, (ReLU)_layers[k + 1]);
                k++;   // the ReLU has run
            }
            else a = _layers[k].Forward(a);
        }
        return a;
    }

    /// <summary>
    /// Back-propagates ∂J/∂output (for instance a loss's Backward()) through the layers in reverse order,
    /// accumulating every parameter's gradient, and returns ∂J/∂input.
    /// </summary>
    public Tensor Backward(Tensor dOutput) => Backward(dOutput, inputGradient: true)!;

    /// <summary>
    /// <see cref="Backward(Tensor)"/>; with <paramref name="inputGradient"/> false it stops at the first layer that has
    /// parameters and lets it skip its ∂J/∂input (see <see cref="ILayer.Backward(Tensor, bool)"/>), returning null.
    /// Training does this: the inputs are data, not parameters, so nothing needs their gradient.
    /// </summary>
    public Tensor? Backward(Tensor dOutput, bool inputGradient)
    {
        ArgumentNullException.ThrowIfNull(dOutput);
        RequireSamples(dOutput, _outputShapes[^1], "∂J/∂output");
        int first = inputGradient ? 0 : _firstTrainable;
        Tensor delta = dOutput;
        int k = _layers.Length - 1;
        for (; k > first; k--)
        {
            if (_fusedReLU[k])
            {
                delta = ((BatchNorm)_layers[--k]).BackwardThroughReLU(delta);   // the ReLU's backward and the batch norm's
                if (k == first) return inputGradient ? delta : null;
            }
            else delta = _layers[k].Backward(delta);
        }
        Tensor? dInput = _layers[first].Backward(delta, inputGradient);
        return inputGradient ? dInput : null;
    }

    /// <summary>Sets every parameter's gradient to zero (before each mini-batch, since backward passes accumulate).</summary>
    public void ZeroGradients()
    {
        // Parameter.ZeroGradient's work, with the large gradients (Dense(400→120): 48,000 floats) split across cores.
        for (int i = 0; i < _parameters.Length; i++) ElementwisePass.Zero(_parameters[i].Gradient.Data);
    }
}
