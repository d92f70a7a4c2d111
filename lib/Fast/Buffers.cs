using CnnFromScratch.Tensors;

namespace CnnFromScratch.Fast;

/// <summary>
/// The ownership rule in one place. A tensor that a layer or a loss returns is the caller's to keep: outside training it
/// is a new tensor on every call. Inside <see cref="Reusing"/> (a training step, and the batches of Predict and
/// Evaluate, whose intermediate results nobody else can see) the layer hands out the same tensor again while the shape
/// is unchanged, so training with a fixed batch size allocates nothing.
/// </summary>
/// <remarks>
/// Only tensors created inside such a scope are ever reused: a tensor a layer returned to a notebook is never
/// overwritten later, even when the same layer then trains.
/// </remarks>
internal static class Buffers
{
    [ThreadStatic] private static int t_reuseDepth;

    /// <summary>Reuse buffers on this thread until the returned scope is disposed (scopes nest).</summary>
    public static ReuseScope Reusing()
    {
        t_reuseDepth++;
        return default;
    }

    /// <summary>Ends a <see cref="Reusing"/> scope; a struct, so entering and leaving one allocates nothing.</summary>
    public readonly struct ReuseScope : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => t_reuseDepth--;
    }

    /// <summary>The tensor to return: <paramref name="buffer"/> again inside a reuse scope when its shape fits, else a new one (stored in it).</summary>
    public static Tensor Result(ref Tensor? buffer, IReadOnlyList<int> shape)
    {
        if (!Reusable(buffer) || !SameShape(buffer!.Shape, shape)) buffer = New(shape.ToArray());
        return buffer;
    }

    /// <summary>A rank-2 result of N×D.</summary>
    public static Tensor Result(ref Tensor? buffer, int n, int d)
    {
        if (!Reusable(buffer) || buffer!.Rank != 2 || buffer.Dim(0) != n || buffer.Dim(1) != d) buffer = New([n, d]);
        return buffer;
    }

    /// <summary>A rank-4 result of N×C×H×W.</summary>
    public static Tensor Result(ref Tensor? buffer, int n, int c, int h, int w)
    {
        if (!Reusable(buffer) || buffer!.Rank != 4 || buffer.Dim(0) != n || buffer.Dim(1) != c || buffer.Dim(2) != h || buffer.Dim(3) != w)
            buffer = New([n, c, h, w]);
        return buffer;
    }

    /// <summary>
    /// A tensor a layer keeps for itself between Forward and Backward and never returns (BatchNorm's x̂, Dropout's mask):
    /// <paramref name="buffer"/> again whenever its shape fits, inside a training step or not.
    /// </summary>
    public static Tensor Cache(ref Tensor? buffer, IReadOnlyList<int> shape)
    {
        if (buffer is null || !SameShape(buffer.Shape, shape)) buffer = new Tensor(shape.ToArray());
        return buffer;
    }

    /// <summary>A per-thread scratch array of at least <paramref name="length"/> floats, grown only when too small (never returned to a caller).</summary>
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

    private static bool Reusable(Tensor? buffer) => buffer is not null && buffer.IsWorkspace && t_reuseDepth > 0;

    private static Tensor New(int[] shape) => new(shape) { IsWorkspace = t_reuseDepth > 0 };
}
