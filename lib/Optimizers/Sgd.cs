using System.Globalization;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Optimizers;

/// <summary>Plain (mini-batch) gradient descent: θ ← θ − η ∂J/∂θ.</summary>
public sealed class Sgd : IOptimizer
{
    private float _learningRate;

    /// <summary>Creates the optimizer with learning rate η.</summary>
    public Sgd(float learningRate) => _learningRate = OptimizerArguments.LearningRate(learningRate);

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"SGD(η={LearningRate})");

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
        float eta = _learningRate;
        for (int p = 0; p < parameters.Count; p++)
        {
            Span<float> theta = parameters[p].Value.AsSpan();
            ReadOnlySpan<float> g = parameters[p].Gradient.AsSpan();
            for (int i = 0; i < theta.Length; i++) theta[i] -= eta * g[i];
        }
    }
}
