namespace CnnFromScratch.Tensors;

/// <summary>Normal samples from a seeded <see cref="Random"/>, so every chapter gives the same numbers on every run.</summary>
public static class RandomExtensions
{
    /// <summary>A standard normal sample (Box–Muller transform).</summary>
    public static float NextGaussian(this Random random)
    {
        // 1 − U lies in (0, 1], so the logarithm is finite.
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
