namespace CnnFromScratch.Tensors;

/// <summary>Element-wise arithmetic and reductions, each returning a new tensor or a number (for notebooks and tests).</summary>
public sealed partial class Tensor
{
    /// <summary>The sum of all elements (accumulated in double).</summary>
    public double Sum()
    {
        double s = 0;
        foreach (float v in Data) s += v;
        return s;
    }

    /// <summary>The largest element.</summary>
    public float Max() => Data.Max();

    /// <summary>The smallest element.</summary>
    public float Min() => Data.Min();

    /// <summary>A new tensor with <paramref name="f"/> applied to every element.</summary>
    public Tensor Map(Func<float, float> f)
    {
        var result = new Tensor(_shape);
        for (int i = 0; i < Data.Length; i++) result.Data[i] = f(Data[i]);
        return result;
    }

    /// <summary>The largest absolute element-wise difference; the shapes must match.</summary>
    public float MaxAbsDifference(Tensor other)
    {
        RequireSameShape(other, "compare");
        float max = 0;
        for (int i = 0; i < Data.Length; i++) max = MathF.Max(max, MathF.Abs(Data[i] - other.Data[i]));
        return max;
    }

    /// <summary>Element-wise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Zip(a, b, "add", static (x, y) => x + y);

    /// <summary>Element-wise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Zip(a, b, "subtract", static (x, y) => x - y);

    /// <summary>Element-wise (Hadamard) product, written ⊙ in the derivations.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Zip(a, b, "multiply", static (x, y) => x * y);

    /// <summary>Every element times a scalar.</summary>
    public static Tensor operator *(float s, Tensor a) => a.Map(x => s * x);

    /// <summary>Every element times a scalar.</summary>
    public static Tensor operator *(Tensor a, float s) => a.Map(x => s * x);

    private static Tensor Zip(Tensor a, Tensor b, string operation, Func<float, float, float> f)
    {
        a.RequireSameShape(b, operation);
        var result = new Tensor(a._shape);
        for (int i = 0; i < a.Length; i++) result.Data[i] = f(a.Data[i], b.Data[i]);
        return result;
    }
}
