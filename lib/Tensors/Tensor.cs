namespace CnnFromScratch.Tensors;

/// <summary>
/// A dense float32 tensor: one contiguous row-major array and a shape.
/// Images are N×C×H×W (batch, channel, row, column); a batch of vectors is N×D.
/// </summary>
/// <remarks>
/// <see cref="Reshape"/> returns a view that shares the same array; nothing else copies behind your back.
/// Hot loops use <see cref="Data"/> or <see cref="AsSpan"/>; the indexers are for notebooks and tests.
/// </remarks>
public sealed class Tensor
{
    private readonly int[] _shape;

    /// <summary>The elements, row-major (the last index moves fastest).</summary>
    public float[] Data { get; }

    /// <summary>The size of each dimension.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (the product of the shape).</summary>
    public int Length => Data.Length;

    /// <summary>True for a layer's buffer made inside a training step, which the layer may overwrite on its next call (see lib/README.md).</summary>
    internal bool IsWorkspace { get; init; }

    /// <summary>A new tensor of zeros.</summary>
    public Tensor(params int[] shape)
    {
        _shape = CheckedShape(shape);
        Data = new float[ElementCount(_shape)];
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) with the given shape.</summary>
    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        _shape = CheckedShape(shape);
        int count = ElementCount(_shape);
        if (count != data.Length)
            throw new ArgumentException(
                $"A tensor of shape {TensorShape.Format(_shape)} holds {count} elements, but the array has {data.Length}. " +
                "Check the shape, or the array you passed.", nameof(data));
        Data = data;
    }

    /// <summary>The size of dimension <paramref name="axis"/> (negative counts from the end).</summary>
    public int Dim(int axis) => _shape[axis < 0 ? _shape.Length + axis : axis];

    /// <summary>The elements as a span.</summary>
    public Span<float> AsSpan() => Data;

    /// <summary>Element of a matrix (rank 2).</summary>
    public float this[int i, int j]
    {
        get => Data[FlatIndex(i, j)];
        set => Data[FlatIndex(i, j)] = value;
    }

    /// <summary>Element of a rank-3 tensor.</summary>
    public float this[int i, int j, int k]
    {
        get => Data[FlatIndex(i, j, k)];
        set => Data[FlatIndex(i, j, k)] = value;
    }

    /// <summary>Element of an image batch: sample <paramref name="n"/>, channel <paramref name="c"/>, row <paramref name="h"/>, column <paramref name="w"/>.</summary>
    public float this[int n, int c, int h, int w]
    {
        get => Data[FlatIndex(n, c, h, w)];
        set => Data[FlatIndex(n, c, h, w)] = value;
    }

    /// <summary>Element at any rank; one index per dimension (rank 1 uses a single index).</summary>
    public float this[params int[] index]
    {
        get => Data[Offset(index)];
        set => Data[Offset(index)] = value;
    }

    /// <summary>The flat, row-major position of an index, with bounds checked per dimension.</summary>
    public int Offset(params int[] index)
    {
        if (index.Length != _shape.Length)
            throw new IndexOutOfRangeException(
                $"This tensor has shape {TensorShape.Format(_shape)} (rank {_shape.Length}) but was indexed with {index.Length} indices.");
        int offset = 0;
        for (int d = 0; d < index.Length; d++)
        {
            if ((uint)index[d] >= (uint)_shape[d])
                throw new IndexOutOfRangeException(
                    $"Index {index[d]} is outside dimension {d} of size {_shape[d]} (shape {TensorShape.Format(_shape)}).");
            offset = offset * _shape[d] + index[d];
        }
        return offset;
    }

    // The fixed-rank indexers avoid the params array of Offset: naive loops index millions of times.
    private int FlatIndex(int i, int j) =>
        _shape.Length == 2 && (uint)i < (uint)_shape[0] && (uint)j < (uint)_shape[1] ? i * _shape[1] + j : Offset(i, j);

    private int FlatIndex(int i, int j, int k) =>
        _shape.Length == 3 && (uint)i < (uint)_shape[0] && (uint)j < (uint)_shape[1] && (uint)k < (uint)_shape[2]
            ? (i * _shape[1] + j) * _shape[2] + k
            : Offset(i, j, k);

    private int FlatIndex(int n, int c, int h, int w) =>
        _shape.Length == 4 && (uint)n < (uint)_shape[0] && (uint)c < (uint)_shape[1] && (uint)h < (uint)_shape[2] && (uint)w < (uint)_shape[3]
            ? ((n * _shape[1] + c) * _shape[2] + h) * _shape[3] + w
            : Offset(n, c, h, w); // out of range: Offset throws the explanatory message

    /// <summary>A view with a new shape over the same elements. One dimension may be -1 (inferred).</summary>
    public Tensor Reshape(params int[] shape)
    {
        var resolved = (int[])shape.Clone();
        int inferred = Array.IndexOf(resolved, -1);
        if (inferred >= 0)
        {
            int known = 1;
            for (int d = 0; d < resolved.Length; d++) if (d != inferred) known *= resolved[d];
            if (known <= 0 || Length % known != 0)
                throw new ArgumentException(
                    $"Cannot reshape {TensorShape.Format(_shape)} ({Length} elements) to {TensorShape.Format(shape)}: {Length} is not a multiple of {known}.");
            resolved[inferred] = Length / known;
        }
        if (ElementCount(CheckedShape(resolved)) != Length)
            throw new ArgumentException(
                $"Cannot reshape {TensorShape.Format(_shape)} ({Length} elements) to {TensorShape.Format(resolved)} ({ElementCount(resolved)} elements).");
        return new Tensor(Data, resolved);
    }

    /// <summary>A deep copy.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), _shape);

    /// <summary>True when both shapes are equal.</summary>
    public bool SameShape(Tensor other) => _shape.AsSpan().SequenceEqual(other._shape);

    /// <summary>True when the shape equals <paramref name="shape"/>.</summary>
    public bool HasShape(params int[] shape) => _shape.AsSpan().SequenceEqual(shape);

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor Fill(float value) { Data.AsSpan().Fill(value); return this; }

    /// <summary>Copies the elements of <paramref name="source"/>, which must have the same number of elements.</summary>
    public void CopyFrom(Tensor source)
    {
        if (source.Length != Length)
            throw new ArgumentException($"Cannot copy {TensorShape.Format(source._shape)} into {TensorShape.Format(_shape)}.");
        source.Data.AsSpan().CopyTo(Data);
    }

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

    /// <summary>The shape and the values, nested like the dimensions (long tensors are abbreviated).</summary>
    public override string ToString() => TensorFormatter.Format(this);

    internal void RequireSameShape(Tensor other, string operation)
    {
        if (!SameShape(other))
            throw new ArgumentException(
                $"Cannot {operation} tensors of shapes {TensorShape.Format(_shape)} and {TensorShape.Format(other._shape)}: the shapes must be equal.");
    }

    private static Tensor Zip(Tensor a, Tensor b, string operation, Func<float, float, float> f)
    {
        a.RequireSameShape(b, operation);
        var result = new Tensor(a._shape);
        for (int i = 0; i < a.Length; i++) result.Data[i] = f(a.Data[i], b.Data[i]);
        return result;
    }

    private static int[] CheckedShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
            throw new ArgumentException("A tensor needs at least one dimension.", nameof(shape));
        foreach (int d in shape)
            if (d < 0)
                throw new ArgumentException($"Shape {TensorShape.Format(shape)} has a negative dimension.", nameof(shape));
        return (int[])shape.Clone();
    }

    private static int ElementCount(int[] shape)
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        if (count > Array.MaxLength)
            throw new ArgumentException($"Shape {TensorShape.Format(shape)} has {count} elements, more than one array can hold.");
        return (int)count;
    }
}
