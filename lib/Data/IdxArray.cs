using CnnFromScratch.Tensors;

namespace CnnFromScratch.Data;

/// <summary>
/// The content of one IDX file: an element type, the sizes of its dimensions, and the values in row-major order
/// (MNIST images are 60000×28×28 unsigned bytes, its labels 60000 unsigned bytes).
/// </summary>
public sealed class IdxArray
{
    private readonly int[] _dimensions;

    private IdxArray(IdxElementType elementType, Array values, int[] dimensions)
    {
        ElementType = elementType;
        Values = values;
        _dimensions = dimensions;
    }

    /// <summary>The type of every element.</summary>
    public IdxElementType ElementType { get; }

    /// <summary>The size of each dimension, outermost first.</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>The values: a <c>byte[]</c>, <c>sbyte[]</c>, <c>short[]</c>, <c>int[]</c>, <c>float[]</c> or <c>double[]</c>, per <see cref="ElementType"/>.</summary>
    public Array Values { get; }

    /// <summary>The number of elements (the product of the dimensions).</summary>
    public int Length => Values.Length;

    /// <summary>An array of <paramref name="values"/> (not copied) with the given dimensions; <typeparamref name="T"/> picks the element type.</summary>
    public static IdxArray Create<T>(T[] values, params int[] dimensions) where T : struct
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(dimensions);
        var type = ElementTypeOf(typeof(T));
        if (dimensions.Length is 0 or > byte.MaxValue)
            throw new ArgumentException($"An IDX file has 1 to 255 dimensions, not {dimensions.Length}.", nameof(dimensions));
        long count = 1;
        foreach (int d in dimensions)
        {
            if (d < 0) throw new ArgumentException($"Dimensions {TensorShape.Format(dimensions)} include a negative size.", nameof(dimensions));
            count *= d;
        }
        if (count != values.Length)
            throw new ArgumentException(
                $"Dimensions {TensorShape.Format(dimensions)} hold {count} elements, but {values.Length} values were given.", nameof(values));
        return new IdxArray(type, values, (int[])dimensions.Clone());
    }

    /// <summary>The values as <typeparamref name="T"/>[], which must match <see cref="ElementType"/> (e.g. <c>As&lt;byte&gt;()</c> for MNIST).</summary>
    public T[] As<T>() where T : struct =>
        Values as T[] ?? throw new InvalidOperationException(
            $"This IDX array holds {ElementType} elements ({Values.GetType().GetElementType()!.Name}), not {typeof(T).Name}. " +
            $"Call As<{Values.GetType().GetElementType()!.Name}>() instead.");

    /// <summary>The number of bytes one element takes in a file.</summary>
    public static int ElementSize(IdxElementType type) => type switch
    {
        IdxElementType.UnsignedByte or IdxElementType.SignedByte => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Single => 4,
        IdxElementType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };

    internal static IdxArray FromTrusted(IdxElementType type, Array values, int[] dimensions) => new(type, values, dimensions);

    private static IdxElementType ElementTypeOf(Type t) =>
        t == typeof(byte) ? IdxElementType.UnsignedByte
        : t == typeof(sbyte) ? IdxElementType.SignedByte
        : t == typeof(short) ? IdxElementType.Int16
        : t == typeof(int) ? IdxElementType.Int32
        : t == typeof(float) ? IdxElementType.Single
        : t == typeof(double) ? IdxElementType.Double
        : throw new ArgumentException(
            $"IDX files hold byte, sbyte, short, int, float or double elements, not {t.Name}.");

    /// <summary>The element type and dimensions, e.g. "IDX UnsignedByte 60000×28×28".</summary>
    public override string ToString() => $"IDX {ElementType} {TensorShape.Format(_dimensions)}";
}
