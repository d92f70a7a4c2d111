namespace CnnFromScratch.Layers;

/// <summary>Which kernel a convolution or pooling layer runs. Both compute the same function; tests prove they agree.</summary>
public enum Implementation
{
    /// <summary>Plain loops that mirror the derivation, written to be read.</summary>
    Naive,

    /// <summary>The optimised kernel used for training (SIMD, GEMM, parallel over the batch).</summary>
    Fast,
}
