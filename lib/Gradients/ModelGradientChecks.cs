using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Gradients;

// Gradient checks of losses and whole models, built on Compare and NumericalGradient.
public static partial class GradientChecker
{
    /// <summary>
    /// Checks a loss's ∂J/∂prediction (from <see cref="ILoss.Backward"/>) against central differences of
    /// <see cref="ILoss.Forward"/>. The result's target is "prediction".
    /// </summary>
    public static GradientCheckResult CheckLoss(
        ILoss loss, Tensor prediction, Tensor target, double epsilon = DefaultEpsilon, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        loss.Forward(prediction, target);
        Tensor analytic = loss.Backward();
        return Compare("prediction", () => loss.Forward(prediction, target), prediction, analytic, epsilon, threshold);
    }

    /// <summary>
    /// Checks a whole model trained with <paramref name="loss"/>: one forward and backward pass give ∂J/∂input and every
    /// parameter's gradient, each compared with central differences of J = loss(model(inputs), targets).
    /// Targets are named "input" and "layer k Name parameter", e.g. "layer 4 Dense(288→60) weights".
    /// </summary>
    /// <remarks>
    /// ReLU and max pooling have kinks: if a nudge of ±ε moves a value across 0 or changes which element of a window
    /// is largest, the numerical gradient there is meaningless. Use small random inputs and a small ε, or try another seed.
    /// The parameters' gradients are left holding the analytic values.
    /// </remarks>
    public static GradientCheckReport CheckModel(
        Sequential model, ILoss loss, Tensor inputs, Tensor targets, double epsilon = DefaultEpsilon, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);

        double Loss() => loss.Forward(model.Forward(inputs), targets);

        model.ZeroGradients();
        Loss();
        Tensor dInput = model.Backward(loss.Backward());
        var analytic = model.Parameters.Select(p => p.Gradient).ToList(); // Loss() runs Forward only: they stay

        var results = new List<GradientCheckResult> { Compare("input", Loss, inputs, dInput, epsilon, threshold) };
        int index = 0;
        for (int k = 0; k < model.Layers.Count; k++)
        {
            ILayer layer = model.Layers[k];
            foreach (Parameter p in layer.Parameters)
                results.Add(Compare($"layer {k} {layer.Name} {p.Name}", Loss, p.Value, analytic[index++], epsilon, threshold));
        }
        return new GradientCheckReport(results);
    }
}
