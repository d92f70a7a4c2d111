using System.Globalization;
using System.Text;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
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
public sealed class Sequential
{
    private readonly ILayer[] _layers;
    private readonly int[] _inputShape;
    private readonly int[][] _outputShapes;
    private readonly Parameter[] _parameters;
    private readonly int _firstTrainable; // the first layer with parameters: AccumulateGradients stops there
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
        for (int k = 0; k < _layers.Length; k++) a = _layers[k].Forward(a);
        return a;
    }

    /// <summary>
    /// Back-propagates ∂J/∂output (for instance a loss's Backward()) through the layers in reverse order,
    /// accumulating every parameter's gradient, and returns ∂J/∂input.
    /// </summary>
    public Tensor Backward(Tensor dOutput)
    {
        ArgumentNullException.ThrowIfNull(dOutput);
        RequireSamples(dOutput, _outputShapes[^1], "∂J/∂output");
        Tensor delta = dOutput;
        for (int k = _layers.Length - 1; k >= 0; k--) delta = _layers[k].Backward(delta);
        return delta;
    }

    /// <summary>
    /// The backward pass of training: accumulates every parameter's gradient like <see cref="Backward"/>, but stops at the
    /// first layer that has parameters, which skips its ∂J/∂input when it can (Conv2d and Dense can): the inputs are data,
    /// not parameters, so no gradient with respect to them is needed. For the course network that saves a third of the
    /// convolution's backward work; PyTorch skips it too for inputs that do not require a gradient.
    /// Use <see cref="Backward"/> when you need ∂J/∂input.
    /// </summary>
    public void AccumulateGradients(Tensor dOutput)
    {
        ArgumentNullException.ThrowIfNull(dOutput);
        RequireSamples(dOutput, _outputShapes[^1], "∂J/∂output");
        int first = _firstTrainable;
        Tensor delta = dOutput;
        for (int k = _layers.Length - 1; k > first; k--) delta = _layers[k].Backward(delta);
        if (_layers[first] is IInputGradientOptional layer) layer.BackwardParametersOnly(delta);
        else _layers[first].Backward(delta);
    }

    /// <summary>Sets every parameter's gradient to zero (before each mini-batch, since backward passes accumulate).</summary>
    public void ZeroGradients()
    {
        for (int i = 0; i < _parameters.Length; i++) _parameters[i].ZeroGradient();
    }

    /// <summary>The class of each sample: the argmax of each output row, computed in batches of <paramref name="batchSize"/>.</summary>
    public int[] Predict(Tensor inputs, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        RequireSamples(inputs, _inputShape, "inputs");
        var predictions = new int[inputs.Dim(0)];
        InBatches(inputs, null, batchSize, (output, _, start) =>
        {
            for (int n = 0; n < output.Dim(0); n++) predictions[start + n] = Classification.ArgMax(output, n);
        });
        return predictions;
    }

    /// <summary>
    /// The mean loss and the accuracy (argmax of output = argmax of target) over a whole data set, computed in batches of
    /// <paramref name="batchSize"/>. Runs forward passes only: no gradient changes.
    /// </summary>
    public (double Loss, double Accuracy) Evaluate(ILoss loss, Tensor inputs, Tensor targets, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        RequireSamples(inputs, _inputShape, "inputs");
        RequireTargets(inputs, targets);
        double lossSum = 0;
        int correct = 0;
        InBatches(inputs, targets, batchSize, (output, y, _) =>
        {
            // J is a batch mean; weight it by the batch size so the last, smaller batch counts fairly.
            lossSum += loss.Forward(output, y!) * output.Dim(0);
            correct += Classification.CountCorrect(output, y!);
        });
        int count = inputs.Dim(0);
        return (lossSum / count, (double)correct / count);
    }

    /// <summary>A table of the layers: index, name, per-sample output shape and parameter count, with the total.</summary>
    public string Summary()
    {
        var rows = new List<string[]> { new[] { "#", "layer", "output shape", "parameters" } };
        rows.Add(new[] { "", "input", TensorShape.Format(_inputShape), "" });
        for (int k = 0; k < _layers.Length; k++)
        {
            int count = _layers[k].Parameters.Sum(p => p.Value.Length);
            rows.Add(new[] { k.ToString(CultureInfo.InvariantCulture), _layers[k].Name, TensorShape.Format(_outputShapes[k]), count.ToString("N0", CultureInfo.InvariantCulture) });
        }
        int[] widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (string[] row in rows)
        {
            string line = $"{row[0].PadLeft(widths[0])}  {row[1].PadRight(widths[1])}  {row[2].PadRight(widths[2])}  {row[3].PadLeft(widths[3])}";
            sb.Append(line.TrimEnd()).Append('\n');
        }
        sb.Append(string.Create(CultureInfo.InvariantCulture,
            $"Total: {ParameterCount:N0} trainable parameters in {_layers.Length} layers; output shape per sample {TensorShape.Format(OutputShape)}."));
        return sb.ToString();
    }

    /// <summary>The same table as <see cref="Summary"/>.</summary>
    public override string ToString() => Summary();

    /// <summary>Throws a <see cref="ShapeMismatchException"/> unless <paramref name="targets"/> holds one row of the model's output shape per input sample.</summary>
    internal void RequireTargets(Tensor inputs, Tensor targets, string what = "targets")
    {
        if (targets.Dim(0) != inputs.Dim(0))
            throw new ArgumentException(
                $"The {what} hold {targets.Dim(0)} rows but there are {inputs.Dim(0)} input samples; every sample needs exactly one target row.",
                nameof(targets));
        RequireSamples(targets, _outputShapes[^1], what);
    }

    /// <summary>Throws a <see cref="ShapeMismatchException"/> unless <paramref name="batch"/> is N × <paramref name="sample"/>.</summary>
    internal static void RequireSamples(Tensor batch, IReadOnlyList<int> sample, string what)
    {
        bool fits = batch.Rank == sample.Count + 1;
        for (int d = 0; fits && d < sample.Count; d++) fits = batch.Dim(d + 1) == sample[d]; // a loop: no allocation per batch
        if (fits) return;

        int perSample = sample.Aggregate(1, (a, b) => a * b);
        string cause = what switch
        {
            _ when batch.Shape.SequenceEqual(sample) =>
                $"This looks like one sample without the batch dimension: reshape it to 1×{TensorShape.Format(sample)}.",
            _ when what.EndsWith("targets", StringComparison.Ordinal) && batch.Rank == 1 =>
                "The targets look like class labels: one-hot encode them into rows of the model's output size.",
            _ when what.EndsWith("targets", StringComparison.Ordinal) =>
                $"Each target row must match the model's output ({TensorShape.Format(sample)} per sample): check the number of classes of the last layer and of the targets.",
            _ when batch.Rank >= 1 && batch.Dim(0) > 0 && batch.Length / batch.Dim(0) == perSample =>
                $"Each sample has the right number of values ({perSample}) but the wrong layout: Reshape the batch to N×{TensorShape.Format(sample)}.",
            _ => $"The model was built for samples of shape {TensorShape.Format(sample)}: check the data, or the input shape given to the Sequential constructor.",
        };
        throw new ShapeMismatchException($"Sequential model ({what})", "N×" + TensorShape.Format(sample), batch.Shape, cause);
    }

    // Runs the model in evaluation mode over consecutive rows, copying each batch into buffers reused across batches.
    private void InBatches(Tensor inputs, Tensor? targets, int batchSize, Action<Tensor, Tensor?, int> onBatch)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        bool wasTraining = _training;
        Training = false; // inference: no dropout, BatchNorm with its running statistics
        try
        {
            RunBatches(inputs, targets, batchSize, onBatch);
        }
        finally
        {
            Training = wasTraining;
        }
    }

    private void RunBatches(Tensor inputs, Tensor? targets, int batchSize, Action<Tensor, Tensor?, int> onBatch)
    {
        int count = inputs.Dim(0);
        Tensor? x = null, y = null;
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            if (x is null || x.Dim(0) != size)
            {
                x = MiniBatches.BufferLike(inputs, size);
                y = targets is null ? null : MiniBatches.BufferLike(targets, size);
            }
            MiniBatches.CopyRowRange(inputs, start, x);
            if (targets is not null) MiniBatches.CopyRowRange(targets, start, y!);
            onBatch(Forward(x), y, start);
        }
    }
}
