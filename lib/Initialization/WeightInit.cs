using CnnFromScratch.Tensors;

namespace CnnFromScratch.Initialization;

/// <summary>How a layer draws its initial weights.</summary>
public enum WeightInit
{
    /// <summary>He (Kaiming) normal: N(0, 2 / fanIn). Keeps the signal's variance through ReLU layers.</summary>
    He,

    /// <summary>Xavier (Glorot) uniform: U(−√(6 / (fanIn + fanOut)), +√(6 / (fanIn + fanOut))). Suits tanh and sigmoid.</summary>
    Xavier,
}

/// <summary>Seeded weight initialisers.</summary>
public static class Initializers
{
    /// <summary>
    /// A weight tensor of <paramref name="shape"/> drawn with <paramref name="init"/> from <paramref name="random"/>.
    /// fanIn is the number of inputs feeding one output (inChannels·k·k for a convolution, inputs for a dense layer).
    /// </summary>
    public static Tensor Create(WeightInit init, Random random, int fanIn, int fanOut, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (fanIn <= 0 || fanOut <= 0)
            throw new ArgumentOutOfRangeException(nameof(fanIn), $"fanIn ({fanIn}) and fanOut ({fanOut}) must be positive.");
        return init switch
        {
            WeightInit.He => Tensor.RandomNormal(random, MathF.Sqrt(2f / fanIn), shape),
            WeightInit.Xavier => XavierUniform(random, fanIn, fanOut, shape),
            _ => throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown initialiser."),
        };
    }

    private static Tensor XavierUniform(Random random, int fanIn, int fanOut, int[] shape)
    {
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        return Tensor.RandomUniform(random, -limit, limit, shape);
    }
}
