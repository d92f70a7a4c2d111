using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// A tensor reached a layer with the wrong shape. The message names the layer, the expected shape,
/// the actual shape and the likely cause, because this is the error students meet most.
/// </summary>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception; <paramref name="expected"/> is written as the reader should read it, e.g. "N×1×28×28".</summary>
    public ShapeMismatchException(string layer, string expected, IReadOnlyList<int> actual, string likelyCause)
        : base($"{layer} expected input of shape {expected} but got {TensorShape.Format(actual)}. {likelyCause}")
    {
        Layer = layer;
        Expected = expected;
        Actual = actual.ToArray();
    }

    /// <summary>The layer that rejected the input.</summary>
    public string Layer { get; }

    /// <summary>The expected shape, as text (it may contain N for any batch size).</summary>
    public string Expected { get; }

    /// <summary>The shape that arrived.</summary>
    public IReadOnlyList<int> Actual { get; }
}
