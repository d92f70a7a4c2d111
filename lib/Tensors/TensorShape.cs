namespace CnnFromScratch.Tensors;

/// <summary>Helpers for talking about shapes in messages.</summary>
public static class TensorShape
{
    /// <summary>A shape written the way the notebooks write it: 32×1×28×28.</summary>
    public static string Format(IReadOnlyList<int> shape) => shape.Count == 0 ? "(scalar)" : string.Join("×", shape);

    /// <summary>The multi-dimensional index of the element at row-major position <paramref name="flat"/>.</summary>
    public static int[] Unravel(IReadOnlyList<int> shape, int flat)
    {
        var index = new int[shape.Count];
        for (int d = shape.Count - 1; d >= 0 && shape[d] > 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    /// <summary>An element's position written as [i, j, …].</summary>
    public static string FormatIndex(IReadOnlyList<int> shape, int flat) => $"[{string.Join(", ", Unravel(shape, flat))}]";
}
