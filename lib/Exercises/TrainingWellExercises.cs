using CnnFromScratch.Layers;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

/// <summary>
/// Checks for chapter 07 (training well): inverted dropout forward and backward, the batch-norm backward pass, and an SGD
/// step with weight decay, each compared with the library (<see cref="BatchNorm"/>, <see cref="Sgd"/>) or with the
/// chapter's formula on several inputs, with hints that name the usual mistakes.
/// </summary>
public static class TrainingWellExercises
{
    /// <summary>
    /// Checks inverted dropout with drop probability p and uniform numbers u (the same shape as x):
    /// <paramref name="forward"/>(x, u, p) must return y = x ⊙ m and <paramref name="backward"/>(δ, u, p) must return
    /// ∂J/∂x = δ ⊙ m, with the mask m_i = 1[u_i ≥ p] / (1 − p).
    /// </summary>
    public static ExerciseResult CheckDropout(Func<Tensor, Tensor, float, Tensor> forward, Func<Tensor, Tensor, float, Tensor> backward) =>
        ExerciseCheck.Run("dropout", c =>
        {
            var random = new Random(70);
            foreach (var (p, shape) in new (float, int[])[] { (0.5f, [2, 4]), (0.2f, [3, 2, 3, 3]), (0.75f, [4, 10]) })
            {
                Tensor x = Tensor.RandomNormal(random, 1f, shape), u = Tensor.RandomUniform(random, 0f, 1f, shape);
                Tensor delta = Tensor.RandomNormal(random, 1f, shape);
                Tensor mask = u.Map(v => v >= p ? 1f / (1f - p) : 0f);
                string where = $"p = {p}, shape {TensorShape.Format(shape)}";

                Tensor? y = forward(x.Clone(), u.Clone(), p);
                c.Close($"dropout forward ({where})", x * mask, y, hint: DropoutHint(y, x, u, p, "x"));
                Tensor? dx = backward(delta.Clone(), u.Clone(), p);
                c.Close($"dropout backward ({where})", delta * mask, dx, hint: DropoutHint(dx, delta, u, p, "δ"));
            }
        });

    /// <summary>
    /// Checks the batch-norm backward pass in training mode for dense features: given x (N×D), γ (D), δ = ∂J/∂y (N×D) and ε,
    /// <paramref name="backward"/> must return (∂J/∂x, ∂J/∂γ, ∂J/∂β) for y = γ x̂ + β with x̂ = (x − μ)/√(σ² + ε), μ and σ²
    /// (the biased variance, 1/N) taken over the batch for each feature.
    /// </summary>
    public static ExerciseResult CheckBatchNormBackward(Func<Tensor, Tensor, Tensor, float, (Tensor DInput, Tensor DGamma, Tensor DBeta)> backward) =>
        ExerciseCheck.Run("batchnorm-backward", c =>
        {
            var random = new Random(71);
            foreach (var (n, d) in new[] { (4, 1), (6, 3), (16, 5) })
            {
                Tensor x = Tensor.RandomNormal(random, 2f, n, d), delta = Tensor.RandomNormal(random, 1f, n, d);
                Tensor gamma = Tensor.RandomUniform(random, 0.5f, 2f, d);
                var norm = new BatchNorm(d);
                norm.Gamma.Value.CopyFrom(gamma);
                norm.Forward(x);
                Tensor expectedDx = norm.Backward(delta).Clone();
                string where = $"N = {n}, D = {d}";

                var (dx, dGamma, dBeta) = backward(x.Clone(), gamma.Clone(), delta.Clone(), norm.Epsilon);
                c.Close($"∂J/∂β ({where})", norm.Beta.Gradient, dBeta, 1e-3f, "∂J/∂β_j = Σₙ δ_nj: β is added to every sample, so its gradient sums δ over the batch.");
                c.Close($"∂J/∂γ ({where})", norm.Gamma.Gradient, dGamma, 1e-3f, "∂J/∂γ_j = Σₙ δ_nj x̂_nj, with x̂ the normalised input (not x itself): x̂ = (x − μ)/√(σ² + ε) with the biased variance σ² = (1/N) Σ (x − μ)², as the forward pass uses.");
                c.Close($"∂J/∂x ({where})", expectedDx, dx, 1e-3f, BatchNormHint(dx, x, gamma, delta, norm.Epsilon));
            }
        });

    /// <summary>
    /// Checks one SGD step with weight decay: <paramref name="step"/>(θ, g, η, λ) must update θ in place to θ − η (g + λθ),
    /// the gradient of J + ½λ‖θ‖². Compared with <see cref="Sgd"/> over several steps.
    /// </summary>
    public static ExerciseResult CheckWeightDecayStep(Action<Tensor, Tensor, float, float> step) =>
        ExerciseCheck.Run("weight-decay", c =>
        {
            var random = new Random(72);
            foreach (var (eta, lambda) in new[] { (0.1f, 0.01f), (0.5f, 0.2f), (0.01f, 5e-4f) })
            {
                Tensor theta = Tensor.RandomNormal(random, 1f, 3, 4), g = Tensor.RandomNormal(random, 0.1f, 3, 4);
                var reference = new Parameter("θ", theta.Clone());
                var sgd = new Sgd(eta, lambda);
                Tensor yours = theta.Clone();
                for (int t = 1; t <= 3; t++)
                {
                    reference.Gradient.CopyFrom(g);
                    Tensor before = yours.Clone();
                    sgd.Step([reference]);
                    step(yours, g.Clone(), eta, lambda);
                    c.Close($"θ after step {t} (η = {eta}, λ = {lambda})", reference.Value, yours, 1e-5f, WeightDecayHint(before, yours, g, eta, lambda));
                }
            }
        });

    private static string DropoutHint(Tensor? actual, Tensor input, Tensor u, float p, string name)
    {
        if (actual is null || !actual.SameShape(input)) return $"return a tensor with the shape of {name}.";
        if (ExerciseCheck.Agree(actual, input * u.Map(v => v >= p ? 1f : 0f)))
            return $"you dropped the right units but did not scale the kept ones: inverted dropout multiplies them by 1/(1 − p), so E[y] = x and evaluation needs no change.";
        if (ExerciseCheck.Agree(actual, input * u.Map(v => v < p ? 1f / (1f - p) : 0f)) || ExerciseCheck.Agree(actual, input * u.Map(v => v < p ? 1f / p : 0f)))
            return "your mask keeps the units with u < p: that keeps a fraction p and drops 1 − p. Keep unit i when u_i ≥ p (p is the probability of dropping).";
        if (ExerciseCheck.Agree(actual, input * u.Map(v => v >= p ? 1f / p : 0f)))
            return "the scale is 1/(1 − p), the inverse of the probability of keeping a unit, not 1/p.";
        if (ExerciseCheck.Agree(actual, input))
            return $"you returned {name} unchanged: in training mode, multiply by the mask m_i = 1[u_i ≥ p]/(1 − p) (backward uses the same mask as forward).";
        return $"compute m_i = 1[u_i ≥ p]/(1 − p) and return {name} ⊙ m.";
    }

    private static string BatchNormHint(Tensor? dx, Tensor x, Tensor gamma, Tensor delta, float epsilon)
    {
        if (dx is null || !dx.SameShape(x)) return "∂J/∂x has the shape of x (N×D).";
        int n = x.Dim(0), d = x.Dim(1);
        var constants = new Tensor(n, d);      // μ and σ treated as constants: γ δ / σ
        var meanOnly = new Tensor(n, d);       // the μ term but not the σ² term
        for (int j = 0; j < d; j++)
        {
            double mean = 0, variance = 0, sumDelta = 0;
            for (int i = 0; i < n; i++) { mean += x[i, j]; sumDelta += delta[i, j]; }
            mean /= n;
            for (int i = 0; i < n; i++) variance += (x[i, j] - mean) * (x[i, j] - mean);
            double invStd = 1 / Math.Sqrt(variance / n + epsilon);
            for (int i = 0; i < n; i++)
            {
                constants[i, j] = (float)(gamma[j] * invStd * delta[i, j]);
                meanOnly[i, j] = (float)(gamma[j] * invStd * (delta[i, j] - sumDelta / n));
            }
        }
        if (ExerciseCheck.Agree(dx, constants))
            return "you treated μ and σ² as constants (∂J/∂x = γδ/σ, which is the evaluation-mode gradient). In training they are computed from the batch, " +
                   "so every x_n also moves μ and σ²: ∂J/∂x = γ/(Nσ) · (Nδ − Σδ − x̂ Σ δx̂).";
        if (ExerciseCheck.Agree(dx, meanOnly))
            return "you kept the path through μ (− Σδ) but not the one through σ²: add − x̂ Σ δx̂, i.e. ∂J/∂x = γ/(Nσ) · (Nδ − Σδ − x̂ Σ δx̂).";
        return "∂J/∂x = γ/(N √(σ² + ε)) · (N δ − Σₙ δ − x̂ Σₙ δ x̂), per feature, with the biased variance σ² = (1/N) Σ (x − μ)².";
    }

    private static string WeightDecayHint(Tensor before, Tensor after, Tensor g, float eta, float lambda)
    {
        Tensor Expected(Func<float, float, float> update)
        {
            var t = new Tensor(before.Shape.ToArray());
            for (int i = 0; i < t.Length; i++) t.Data[i] = update(before.Data[i], g.Data[i]);
            return t;
        }
        if (ExerciseCheck.Agree(after, Expected((w, gi) => w - eta * (gi - lambda * w))))
            return "the decay has the wrong sign: ½λ‖θ‖² adds +λθ to the gradient, which pulls every weight towards 0.";
        if (ExerciseCheck.Agree(after, Expected((w, gi) => w - eta * gi - lambda * w)))
            return "the decay term must be multiplied by η too: θ ← θ − η (g + λθ).";
        if (ExerciseCheck.Agree(after, Expected((w, gi) => w - eta * gi)))
            return "you left out the weight decay: add λθ to the gradient before the step.";
        if (ExerciseCheck.Agree(after, Expected((w, gi) => w - eta * (gi + 0.5f * lambda * w))))
            return "the derivative of ½λθ² is λθ, not ½λθ.";
        return "update θ in place: θ_i ← θ_i − η (g_i + λ θ_i).";
    }
}
