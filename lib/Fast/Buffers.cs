using CnnFromScratch.Tensors;

namespace CnnFromScratch.Fast;

/// <summary>
/// The buffer rule in one place: a layer keeps the tensor it returned last time and hands it out again
/// while the shape is unchanged, so a training loop with a fixed batch size allocates nothing.
/// </summary>
internal static class Buffers
{
    /// <summary>The buffer, reallocated only when its shape differs from <paramref name="shape"/>.</summary>
    public static Tensor Reuse(ref Tensor? buffer, IReadOnlyList<int> shape)
    {
        if (buffer is null || !SameShape(buffer.Shape, shape)) buffer = new Tensor(shape.ToArray());
        return buffer;
    }

    /// <summary>A rank-2 buffer of N×D.</summary>
    public static Tensor Reuse(ref Tensor? buffer, int n, int d)
    {
        if (buffer is null || buffer.Rank != 2 || buffer.Dim(0) != n || buffer.Dim(1) != d) buffer = new Tensor(n, d);
        return buffer;
    }

    /// <summary>A rank-4 buffer of N×C×H×W.</summary>
    public static Tensor Reuse(ref Tensor? buffer, int n, int c, int h, int w)
    {
        if (buffer is null || buffer.Rank != 4 || buffer.Dim(0) != n || buffer.Dim(1) != c || buffer.Dim(2) != h || buffer.Dim(3) != w)
            buffer = new Tensor(n, c, h, w);
        return buffer;
    }

    /// <summary>A per-thread scratch array of at least <paramref name="length"/> floats, grown only when too small.</summary>
    public static Span<float> Scratch(ref float[]? scratch, int length)
    {
        if (scratch is null || scratch.Length < length) scratch = new float[length];
        return scratch.AsSpan(0, length);
    }

    /// <summary>True when two shapes are equal.</summary>
    public static bool SameShape(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++) if (a[i] != b[i]) return false;
        return true;
    }
}
