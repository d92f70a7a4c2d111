using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Gradients;

/// <summary>
/// Every gradient of one forward and backward pass, copied so that they can be plotted and compared later:
/// the δ that reaches each layer's output, ∂J/∂x of the input (a saliency map) and each parameter's ∂J/∂θ.
/// </summary>
/// <remarks>
/// <para>The copies are yours: training on, or taking another snapshot, does not change them. So a snapshot taken before
/// training and one taken after show the same gradients at two moments. Taking one zeroes the model's parameter
/// gradients and leaves them holding this batch's, as a training step's backward pass would (it changes no weight).
/// Layers with a training mode (<see cref="ITrainingMode"/>) run in the mode the model is in (<see cref="Sequential.Training"/>):
/// in training mode Dropout draws a mask and BatchNorm normalises with this batch's statistics and updates its running ones,
/// as in a training step.</para>
/// <para>J is the mean loss over the batch, so each sample's rows hold 1/N of that sample's own gradient; for a saliency
/// map only the pattern matters. In a notebook:</para>
/// <code>
/// var start = GradientSnapshot.Take(model, new SoftmaxCrossEntropy(), batch.Images, batch.OneHotLabels());
/// display(HeatmapTiles.Plot(start.InputGradient, "∂J/∂x for four test digits"));      // saliency
/// display(GradientHistogram.Plot(start, "Weight gradients per layer, He initialisation"));
/// </code>
/// </remarks>
public sealed class GradientSnapshot
{
    private readonly Tensor[] _outputGradients;
    private readonly Tensor[][] _parameterGradients;

    private GradientSnapshot(Sequential model, double loss, Tensor inputGradient, Tensor[] outputGradients, Tensor[][] parameterGradients)
    {
        Model = model;
        Loss = loss;
        InputGradient = inputGradient;
        _outputGradients = outputGradients;
        _parameterGradients = parameterGradients;
    }

    /// <summary>Runs <paramref name="model"/> forward on <paramref name="inputs"/>, then backward from <paramref name="loss"/> against <paramref name="targets"/>, and copies every gradient.</summary>
    public static GradientSnapshot Take(Sequential model, ILoss loss, Tensor inputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        Sequential.RequireSamples(inputs, model.InputShape, "inputs");
        model.RequireTargets(inputs, targets);

        model.ZeroGradients();
        double j = loss.Forward(model.Forward(inputs), targets);
        // Sequential.Backward, one layer at a time, keeping the δ that reaches every layer's output on the way down.
        int count = model.Layers.Count;
        var outputGradients = new Tensor[count];
        Tensor delta = loss.Backward();
        for (int k = count - 1; k >= 0; k--)
        {
            outputGradients[k] = delta.Clone();
            delta = model.Layers[k].Backward(delta);
        }
        var parameterGradients = model.Layers.Select(l => l.Parameters.Select(p => p.Gradient.Clone()).ToArray()).ToArray();
        return new GradientSnapshot(model, j, delta.Clone(), outputGradients, parameterGradients);
    }

    /// <summary>The model the snapshot was taken of.</summary>
    public Sequential Model { get; }

    /// <summary>The mean loss J of the batch.</summary>
    public double Loss { get; }

    /// <summary>∂J/∂x: the gradient with respect to the input batch, shaped like it (N×1×28×28 for MNIST): which pixels move J.</summary>
    public Tensor InputGradient { get; }

    /// <summary>δ at the model's output, ∂J/∂(output of the last layer): (ŷ − y)/N for softmax with cross-entropy.</summary>
    public Tensor OutputGradient => _outputGradients[^1];

    /// <summary>∂J/∂(output of layer <paramref name="layer"/>), the δ its Backward received; N × the layer's output shape.</summary>
    public Tensor LayerOutputGradient(int layer) => _outputGradients[RequireLayer(layer)];

    /// <summary>
    /// ∂J/∂θ of the parameter named <paramref name="name"/> ("weights" or "bias" for Conv2d and Dense) of layer
    /// <paramref name="layer"/>, shaped like the parameter (O×C×k×k for a convolution's weights).
    /// </summary>
    public Tensor ParameterGradient(int layer, string name = "weights")
    {
        ArgumentNullException.ThrowIfNull(name);
        IReadOnlyList<Parameter> parameters = Model.Layers[RequireLayer(layer)].Parameters;
        for (int p = 0; p < parameters.Count; p++)
            if (parameters[p].Name == name) return _parameterGradients[layer][p];
        throw new ArgumentException(
            parameters.Count == 0
                ? $"Layer {layer} ({Model.Layers[layer].Name}) has no parameters; layers {string.Join(", ", TrainableLayers)} have."
                : $"Layer {layer} ({Model.Layers[layer].Name}) has no parameter '{name}'; it has {string.Join(", ", parameters.Select(q => $"'{q.Name}'"))}.",
            nameof(name));
    }

    /// <summary>The model indices of the layers that have parameters.</summary>
    public IReadOnlyList<int> TrainableLayers => Enumerable.Range(0, Model.Layers.Count).Where(k => Model.Layers[k].Parameters.Count > 0).ToArray();

    private int RequireLayer(int layer) =>
        (uint)layer < (uint)Model.Layers.Count
            ? layer
            : throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The model has {Model.Layers.Count} layers (0 … {Model.Layers.Count - 1}).");
}
