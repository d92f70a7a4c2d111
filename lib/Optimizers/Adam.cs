using System.Globalization;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba, 2015) with bias correction. For each parameter, at step t = 1, 2, …:
/// m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  m̂ = m / (1 − β1ᵗ);  v̂ = v / (1 − β2ᵗ);  θ ← θ − η m̂ / (√v̂ + ε).
/// With weight decay λ, g = ∂J/∂θ + λθ (L2 regularisation added to the gradient, as PyTorch's Adam does; AdamW instead
/// subtracts ηλθ from θ directly).
/// </summary>
/// <remarks>
/// The bias correction matters: m and v start at 0, so early on they underestimate the means of g and g²,
/// v far more than m. Without the correction the step is η m/√v = η (1 − β1ᵗ)/√(1 − β2ᵗ) · m̂/√v̂, which with the
/// default β's is about 3.2× too large at t = 1, 6.5× at t = 10, and still 1.3× at t = 1000.
/// The original NumPy series this course grew from left the correction out. With it, the first step moves
/// every weight by almost exactly η·sign(g).
/// </remarks>
public sealed class Adam : IOptimizer
{
    private readonly Dictionary<Parameter, State> _state = new();
    private float _learningRate;

    /// <summary>Creates the optimizer: learning rate η, decay rates β1 (mean of g) and β2 (mean of g²), ε to avoid dividing by 0, and weight decay λ (0: none).</summary>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
    {
        WeightDecay = OptimizerArguments.WeightDecay(weightDecay);
        _learningRate = OptimizerArguments.LearningRate(learningRate);
        Beta1 = OptimizerArguments.Beta(beta1, nameof(beta1));
        Beta2 = OptimizerArguments.Beta(beta2, nameof(beta2));
        if (!(epsilon > 0f) || float.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be a small positive number, such as 1e-8.");
        Epsilon = epsilon;
    }

    /// <summary>The decay rate β1 of the running mean of the gradient.</summary>
    public float Beta1 { get; }

    /// <summary>The decay rate β2 of the running mean of the squared gradient.</summary>
    public float Beta2 { get; }

    /// <summary>The weight decay λ: every step adds λθ to the gradient of θ.</summary>
    public float WeightDecay { get; }

    /// <summary>The ε added to √v̂.</summary>
    public float Epsilon { get; }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"Adam(η={LearningRate}, β1={Beta1}, β2={Beta2}{(WeightDecay > 0 ? $", λ={WeightDecay}" : "")})");

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
        float beta1 = Beta1, beta2 = Beta2, epsilon = Epsilon, lambda = WeightDecay;
        for (int p = 0; p < parameters.Count; p++)
        {
            Parameter parameter = parameters[p];
            if (!_state.TryGetValue(parameter, out State? state))
            {
                state = new State(parameter.Value.Shape.ToArray());
                _state.Add(parameter, state);
            }
            state.T++;
            // Bias corrections 1 − βᵗ, in double so β2ᵗ stays accurate for large t.
            float correction1 = (float)(1 - Math.Pow(beta1, state.T));
            float correction2 = (float)(1 - Math.Pow(beta2, state.T));
            float stepSize = _learningRate / correction1;   // η m̂ = η m / (1 − β1ᵗ)
            float sqrtCorrection2 = MathF.Sqrt(correction2); // √v̂ = √v / √(1 − β2ᵗ)

            Span<float> theta = parameter.Value.AsSpan(), m = state.M.AsSpan(), v = state.V.AsSpan();
            ReadOnlySpan<float> g = parameter.Gradient.AsSpan();
            for (int i = 0; i < theta.Length; i++)
            {
                float gi = g[i] + lambda * theta[i]; // g + λθ
                m[i] = beta1 * m[i] + (1 - beta1) * gi;
                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
                theta[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) / sqrtCorrection2 + epsilon);
            }
        }
    }

    // The running means and step count of one parameter (its own t, so parameters first seen later start unbiased too).
    private sealed class State(int[] shape)
    {
        public Tensor M { get; } = new(shape);
        public Tensor V { get; } = new(shape);
        public int T { get; set; }
    }
}
