namespace CnnFromScratch.Tensors;

/// <summary>Tensors from C# arrays and from seeded random numbers.</summary>
public sealed partial class Tensor
{
    /// <summary>A matrix (rank 2) from a 2-D array.</summary>
    public static Tensor From(float[,] values)
    {
        var t = new Tensor(values.GetLength(0), values.GetLength(1));
        int k = 0;
        foreach (float v in values) t.Data[k++] = v;
        return t;
    }

    /// <summary>A rank-3 tensor from a 3-D array.</summary>
    public static Tensor From(float[,,] values)
    {
        var t = new Tensor(values.GetLength(0), values.GetLength(1), values.GetLength(2));
        int k = 0;
        foreach (float v in values) t.Data[k++] = v;
        return t;
    }

    /// <summary>An image batch (N×C×H×W) from a 4-D array.</summary>
    public static Tensor From(float[,,,] values)
    {
        var t = new Tensor(values.GetLength(0), values.GetLength(1), values.GetLength(2), values.GetLength(3));
        int k = 0;
        foreach (float v in values) t.Data[k++] = v;
        return t;
    }

    /// <summary>A vector (rank 1) holding a copy of <paramref name="values"/>.</summary>
    public static Tensor Vector(params float[] values) => new((float[])values.Clone(), values.Length);

    /// <summary>A tensor of independent normal samples N(0, <paramref name="std"/>²), drawn from <paramref name="random"/>.</summary>
    public static Tensor RandomNormal(Random random, float std, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = std * random.NextGaussian();
        return t;
    }

    /// <summary>A tensor of independent uniform samples in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor RandomUniform(Random random, float low, float high, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = low + (high - low) * random.NextSingle();
        return t;
    }
}
