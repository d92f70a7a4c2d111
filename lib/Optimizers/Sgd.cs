using System.Globalization;
using CnnFromScratch.Fast;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Optimizers;

/// <summary>
/// Plain (mini-batch) gradient descent: θ ← θ − η ∂J/∂θ. With weight decay λ the loss gains ½λ‖θ‖², so the gradient gains λθ:
/// θ ← θ − η (∂J/∂θ + λθ).
/// </summary>
public sealed class Sgd : IOptimizer
{
    private float _learningRate;

    /// <summary>Creates the optimizer with learning rate η and weight decay λ (0: none).</summary>
    public Sgd(float learningRate, float weightDecay = 0f)
    {
        _learningRate = OptimizerArguments.LearningRate(learningRate);
        WeightDecay = OptimizerArguments.WeightDecay(weightDecay);
    }

    /// <summary>The weight decay λ: every step adds λθ to the gradient of θ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"SGD(η={LearningRate}{(WeightDecay > 0 ? $", λ={WeightDecay}" : "")})");

    /// <inheritdoc />
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerArguments.LearningRate(value, nameof(value));
    }

    /// <inheritdoc />
    public void Step(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        float eta = _learningRate, lambda = WeightDecay;
        for (int p = 0; p < parameters.Count; p++)
            // θ ← θ − η (g + λθ), element by element (eight at a time, large parameters on all cores)
            ElementwisePass.SgdStep(parameters[p].Value.Data, parameters[p].Gradient.Data, eta, lambda);
    }
}
