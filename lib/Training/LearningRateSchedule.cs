using System.Globalization;

namespace CnnFromScratch.Training;

/// <summary>
/// The learning rate η_t for every optimiser step t = 0, 1, 2, …: an optional linear warm-up, then a decay.
/// Give it to <see cref="TrainingOptions.Schedule"/> and the trainer sets the optimiser's rate before every step.
/// </summary>
/// <remarks>
/// Warm-up over W steps: η_t = η₀ (t + 1)/W for t &lt; W, so the first steps, taken while the weights and the
/// optimiser's statistics are still far from settled, are small. After it, with u = t − W steps since the warm-up:
/// step decay η₀ γ^⌊u/S⌋ (multiply by γ every S steps); cosine η_min + (η₀ − η_min) · ½(1 + cos(π u/(T − W))) until
/// step T, then η_min. Steps count optimiser updates; for epochs, multiply by the batches per epoch.
/// </remarks>
public sealed class LearningRateSchedule
{
    private readonly Func<int, double> _afterWarmup; // η as a function of u = t − W

    private LearningRateSchedule(string name, float baseRate, int warmupSteps, Func<int, double> afterWarmup)
    {
        if (!(baseRate > 0f) || float.IsInfinity(baseRate))
            throw new ArgumentOutOfRangeException(nameof(baseRate), baseRate, "The base learning rate η₀ must be a positive, finite number.");
        if (warmupSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "The warm-up length must be 0 (no warm-up) or a positive number of steps.");
        Name = name;
        BaseRate = baseRate;
        WarmupSteps = warmupSteps;
        _afterWarmup = afterWarmup;
    }

    /// <summary>A short description, such as "cosine(η₀=0.1, T=1000, warm-up 100)".</summary>
    public string Name { get; }

    /// <summary>η₀, the rate reached at the end of the warm-up.</summary>
    public float BaseRate { get; }

    /// <summary>W, the number of warm-up steps (0 for none).</summary>
    public int WarmupSteps { get; }

    /// <summary>η₀ at every step (after an optional warm-up).</summary>
    public static LearningRateSchedule Constant(float baseRate, int warmupSteps = 0) =>
        new(Describe($"constant(η₀={baseRate}", warmupSteps), baseRate, warmupSteps, _ => baseRate);

    /// <summary>Step decay: η₀ γ^⌊u/S⌋ with S = <paramref name="stepSize"/> steps and γ = <paramref name="gamma"/>.</summary>
    public static LearningRateSchedule Step(float baseRate, int stepSize, float gamma, int warmupSteps = 0)
    {
        if (stepSize < 1)
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "The step size S (steps between two decays) must be at least 1.");
        if (!(gamma > 0f && gamma <= 1f))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ, the factor applied every S steps, must lie in (0, 1] (typical: 0.1 to 0.5).");
        return new(Describe($"step(η₀={baseRate}, ×{gamma} every {stepSize}", warmupSteps), baseRate, warmupSteps,
            u => baseRate * Math.Pow(gamma, u / stepSize));
    }

    /// <summary>Cosine decay from η₀ to <paramref name="minRate"/> at step <paramref name="totalSteps"/> (counted from 0, warm-up included).</summary>
    public static LearningRateSchedule Cosine(float baseRate, int totalSteps, float minRate = 0f, int warmupSteps = 0)
    {
        if (totalSteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps,
                $"The total number of steps T ({totalSteps}) must exceed the warm-up ({warmupSteps}): the cosine runs from step W to step T.");
        if (!(minRate >= 0f && minRate <= baseRate))
            throw new ArgumentOutOfRangeException(nameof(minRate), minRate, "η_min must lie between 0 and the base rate η₀.");
        int length = totalSteps - warmupSteps;
        return new(Describe($"cosine(η₀={baseRate}, T={totalSteps}", warmupSteps), baseRate, warmupSteps,
            u => u >= length ? minRate : minRate + (baseRate - minRate) * 0.5 * (1 + Math.Cos(Math.PI * u / length)));
    }

    /// <summary>η_t, the learning rate for step <paramref name="step"/> (0 for the first update).</summary>
    public float At(int step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps are counted from 0.");
        if (step < WarmupSteps) return BaseRate * (step + 1) / WarmupSteps; // η₀ (t + 1)/W
        return (float)_afterWarmup(step - WarmupSteps);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static string Describe(FormattableString head, int warmupSteps) =>
        head.ToString(CultureInfo.InvariantCulture) + (warmupSteps > 0 ? $", warm-up {warmupSteps})" : ")");
}
