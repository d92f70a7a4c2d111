using System.Globalization;
using CnnFromScratch.Layers;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Exercises;

/// <summary>
/// Checks for the training part of chapter 05: one Adam step, the mini-batch training loop, and a layer class of the
/// student's own (leaky ReLU) used inside a <see cref="Sequential"/>. The references are the library's
/// <see cref="Adam"/>, <see cref="Trainer.Fit"/> and <see cref="LeakyReLU"/>.
/// </summary>
public static partial class TrainingExercises
{
    /// <summary>
    /// Checks one Adam step, called as adamStep(θ, g, m, v, t, η, β1, β2, ε) for t = 1, 2, …: it must update m, v and θ
    /// in place. Six steps from m = v = 0 are compared with the library's <see cref="Adam"/> after every step, for two
    /// sets of hyper-parameters.
    /// </summary>
    public static ExerciseResult CheckAdamStep(Action<Tensor, Tensor, Tensor, Tensor, int, float, float, float, float> adamStep)
    {
        ArgumentNullException.ThrowIfNull(adamStep);
        return ExerciseCheck.Run("adam-step", c =>
        {
            var random = new Random(21);
            foreach (var (eta, beta1, beta2) in new[] { (0.01f, 0.9f, 0.999f), (0.1f, 0.8f, 0.99f) })
            {
                const float epsilon = 1e-8f;
                string settings = string.Create(CultureInfo.InvariantCulture, $"η = {eta}, β1 = {beta1}, β2 = {beta2}");
                Tensor start = Tensor.RandomNormal(random, 1f, 3, 4);
                var parameter = new Parameter("θ", start.Clone());
                var adam = new Adam(eta, beta1, beta2, epsilon);
                Tensor theta = start.Clone(), m = new Tensor(3, 4), v = new Tensor(3, 4);
                var gradients = new List<Tensor>();
                for (int t = 1; t <= 6; t++)
                {
                    // Gradients of changing size and sign, so every term of the update matters.
                    Tensor g = Tensor.RandomNormal(random, t % 2 == 0 ? 0.1f : 2f, 3, 4);
                    gradients.Add(g);
                    parameter.Gradient.CopyFrom(g);
                    adam.Step([parameter]);
                    adamStep(theta, g.Clone(), m, v, t, eta, beta1, beta2, epsilon);

                    string what = $"θ after step t = {t} ({settings})";
                    int bad = Array.FindIndex(theta.Data, x => !float.IsFinite(x));
                    c.True(bad < 0, $"{what}: θ holds {(bad < 0 ? 0 : theta.Data[bad])}.",
                        "the bias corrections are 1 − β1ᵗ and 1 − β2ᵗ with t counted from 1 (t = 0 divides by zero), and v averages g², which is never negative.");
                    c.Close(what, parameter.Value, theta, tolerance: 1e-4f, hint: AdamHint(start, gradients, theta, eta, beta1, beta2, epsilon));
                }
            }
        });
    }

    // ---- Adam ----

    private enum AdamMistake { NoBiasCorrection, SwappedBetas, SignFlipped }

    private static string AdamHint(Tensor start, List<Tensor> gradients, Tensor actual, float eta, float beta1, float beta2, float epsilon)
    {
        foreach (AdamMistake mistake in Enum.GetValues<AdamMistake>())
        {
            Tensor wrong = AdamWith(mistake, start, gradients, eta, beta1, beta2, epsilon);
            if (wrong.Data.All(float.IsFinite) && wrong.MaxAbsDifference(actual) <= 1e-4f * MathF.Max(1f, wrong.Data.Max(MathF.Abs)))
                return mistake switch
                {
                    AdamMistake.NoBiasCorrection => "you left out the bias correction (as the original NumPy series did): m and v start at 0, so divide " +
                                                    "them by 1 − β1ᵗ and 1 − β2ᵗ before the step; without it the early steps are several times too large.",
                    AdamMistake.SwappedBetas => "β1 is the fraction of the old m that is kept: m ← β1·m + (1 − β1)·g, not (1 − β1)·m + β1·g (the same for v with β2).",
                    _ => "the sign is flipped: step against the gradient, θ ← θ − η·m̂ / (√v̂ + ε).",
                };
        }
        return "m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; m̂ = m / (1 − β1ᵗ); v̂ = v / (1 − β2ᵗ); θ ← θ − η·m̂ / (√v̂ + ε), element by element, " +
               "updating m and v in place so the next call continues from them.";
    }

    // θ after all the given steps, with one plausible mistake (in float, like the student's code).
    private static Tensor AdamWith(AdamMistake mistake, Tensor start, List<Tensor> gradients, float eta, float beta1, float beta2, float epsilon)
    {
        Tensor theta = start.Clone(), m = new(start.Shape.ToArray()), v = new(start.Shape.ToArray());
        if (mistake == AdamMistake.SwappedBetas) (beta1, beta2) = (1 - beta1, 1 - beta2);
        for (int t = 1; t <= gradients.Count; t++)
        {
            Tensor g = gradients[t - 1];
            for (int i = 0; i < theta.Length; i++)
            {
                float gi = g.Data[i];
                m.Data[i] = beta1 * m.Data[i] + (1 - beta1) * gi;
                float g2 = gi * gi;
                v.Data[i] = beta2 * v.Data[i] + (1 - beta2) * g2;
                bool corrected = mistake != AdamMistake.NoBiasCorrection;
                float mHat = corrected ? m.Data[i] / (1 - MathF.Pow(beta1, t)) : m.Data[i];
                float vHat = corrected ? v.Data[i] / (1 - MathF.Pow(beta2, t)) : v.Data[i];
                float step = eta * mHat / (MathF.Sqrt(vHat) + epsilon);
                theta.Data[i] += mistake == AdamMistake.SignFlipped ? step : -step;
            }
        }
        return theta;
    }
}
