using System.Globalization;
using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Optimizers;

/// <summary>
/// Gradient descent with momentum: v ← βv + ∂J/∂θ, then θ ← θ − ηv, with one velocity v per parameter (starting at 0).
/// With weight decay λ the gradient gains λθ (the loss gains ½λ‖θ‖²): v ← βv + ∂J/∂θ + λθ.
/// </summary>
/// <remarks>
/// This is the form PyTorch uses. The source article on multi-channel CNNs shows its momentum code only as a
/// screenshot; the other common form, v ← βv + η∂J/∂θ and θ ← θ − v, takes exactly the same steps while η is constant
/// and differs only when a schedule changes η (here a new η applies at once to the whole velocity).
/// </remarks>
public sealed class Momentum : IOptimizer
{
    private readonly Dictionary<Parameter, Tensor> _velocity = new();
    private float _learningRate;

    /// <summary>Creates the optimizer with learning rate η, momentum β (the fraction of the previous velocity kept) and weight decay λ (0: none).</summary>
    public Momentum(float learningRate, float beta = 0.9f, float weightDecay = 0f)
    {
        _learningRate = OptimizerArguments.LearningRate(learningRate);
        Beta = OptimizerArguments.Beta(beta, nameof(beta));
        WeightDecay = OptimizerArguments.WeightDecay(weightDecay);
    }

    /// <summary>The weight decay λ: every step adds λθ to the gradient of θ.</summary>
    public float WeightDecay { get; }

    /// <summary>The momentum β in [0, 1); β = 0 is plain SGD.</summary>
    public float Beta { get; }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"Momentum(η={LearningRate}, β={Beta}{(WeightDecay > 0 ? $", λ={WeightDecay}" : "")})");

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
        float eta = _learningRate, beta = Beta, lambda = WeightDecay;
        for (int p = 0; p < parameters.Count; p++)
        {
            Parameter parameter = parameters[p];
            // One velocity per parameter, allocated the first time it is seen.
            if (!_velocity.TryGetValue(parameter, out Tensor? velocity))
            {
                velocity = new Tensor(parameter.Value.Shape.ToArray());
                _velocity.Add(parameter, velocity);
            }
            // v ← βv + g + λθ, then θ ← θ − ηv, element by element (eight at a time, large parameters on all cores)
            ElementwisePass.MomentumStep(parameter.Value.Data, velocity.Data, parameter.Gradient.Data, beta, lambda, eta);
        }
    }
}
