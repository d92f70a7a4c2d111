namespace CnnFromScratch.Tensors;

/// <summary>
/// A dense float32 tensor: one contiguous row-major array and a shape.
/// Images are N×C×H×W (batch, channel, row, column); a batch of vectors is N×D.
/// </summary>
/// <remarks>
/// <see cref="Reshape"/> returns a view that shares the same array; nothing else copies behind your back.
/// Hot loops use <see cref="Data"/> or <see cref="AsSpan"/>; the indexers are for notebooks and tests.
/// </remarks>
public sealed partial class Tensor
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

    /// <summary>The shape and the values, nested like the dimensions (long tensors are abbreviated).</summary>
    public override string ToString() => TensorFormatter.Format(this);

    internal void RequireSameShape(Tensor other, string operation)
    {
        if (!SameShape(other))
            throw new ArgumentException(
                $"Cannot {operation} tensors of shapes {TensorShape.Format(_shape)} and {TensorShape.Format(other._shape)}: the shapes must be equal.");
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
