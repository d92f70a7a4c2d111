namespace CnnFromScratch.Tensors;

/// <summary>Element access by index, t[n, c, h, w], with bounds checked per dimension and messages that name the shape.</summary>
public sealed partial class Tensor
{
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
            throw new ArgumentOutOfRangeException(nameof(index),
                $"This tensor has shape {TensorShape.Format(_shape)} (rank {_shape.Length}) but was indexed with {index.Length} indices.");
        int offset = 0;
        for (int d = 0; d < index.Length; d++)
        {
            if ((uint)index[d] >= (uint)_shape[d])
                throw new ArgumentOutOfRangeException(nameof(index),
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
}
