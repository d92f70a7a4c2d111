namespace CnnFromScratch.Layers;

/// <summary>
/// The two matrix products the fast convolution needs, on row-major spans, built on <see cref="Simd"/>.
/// Loops run i-k-j so the innermost loop walks contiguous rows; columns are processed in blocks
/// so the rows of B and C being updated stay in cache while the whole k loop runs over them.
/// </summary>
internal static class Gemm
{
    private const int ColumnBlock = 512; // 2 KB per row block: k rows of B plus one row of C stay in L1/L2

    /// <summary>
    /// C (m×n) += A (m×k) · B (k×n), reading A[i, p] at a[i·<paramref name="aRowStride"/> + p·<paramref name="aColumnStride"/>]
    /// so that a transposed A (stride 1, m) costs no copy.
    /// </summary>
    public static void MultiplyAdd(
        ReadOnlySpan<float> a, int aRowStride, int aColumnStride, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        for (int j0 = 0; j0 < n; j0 += ColumnBlock)
        {
            int width = Math.Min(ColumnBlock, n - j0);
            for (int i = 0; i < m; i++)
            {
                Span<float> cRow = c.Slice(i * n + j0, width);
                for (int p = 0; p < k; p++)
                    Simd.MultiplyAdd(a[i * aRowStride + p * aColumnStride], b.Slice(p * n + j0, width), cRow);
            }
        }
    }

    /// <summary>C (m×n) += A (m×k) · Bᵀ for B stored n×k: each element is the dot product of a row of A and a row of B.</summary>
    public static void MultiplyTransposedAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<float> aRow = a.Slice(i * k, k);
            Span<float> cRow = c.Slice(i * n, n);
            for (int j = 0; j < n; j++) cRow[j] += Simd.Dot(aRow, b.Slice(j * k, k));
        }
    }
}
