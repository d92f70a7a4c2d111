namespace CnnFromScratch.Optimizers;

/// <summary>The argument checks every optimizer shares, with messages that say how to fix the value.</summary>
internal static class OptimizerArguments
{
    public static float LearningRate(float value, string name = "learningRate")
    {
        if (!(value > 0f) || float.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value,
                "The learning rate must be a positive, finite number (typical values: 0.1 for SGD, 0.01 for momentum, 0.001 for Adam).");
        return value;
    }

    public static float WeightDecay(float value, string name = "weightDecay")
    {
        if (!(value >= 0f) || float.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value,
                "The weight decay λ must be 0 (none) or a small positive number (typical values: 1e-4 to 5e-4); it adds λθ to every gradient.");
        return value;
    }

    public static float Beta(float value, string name)
    {
        if (!(value >= 0f && value < 1f))
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} is a decay rate and must lie in [0, 1) (typical values: 0.9, or 0.999 for Adam's β2).");
        return value;
    }
}
