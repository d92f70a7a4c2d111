using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>Shape rules shared by the element-wise activations: any batch N×… in, the same shape out.</summary>
internal static class Activation
{
    /// <summary>An element-wise layer keeps the shape.</summary>
    public static int[] OutputShape(string layer, IReadOnlyList<int> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count == 0 || inputShape.Any(d => d <= 0))
            throw new ShapeMismatchException(layer, "a per-sample shape such as 10 or 2×24×24 (positive sizes)", inputShape,
                "An earlier layer produced an empty shape; check the layers before this one.");
        return inputShape.ToArray();
    }

    /// <summary>The input must be a batch: the first dimension is N, followed by at least one more.</summary>
    public static void RequireBatch(string layer, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2)
            throw new ShapeMismatchException(layer, "a batch N×D or N×C×H×W", input.Shape,
                "Layers take a batch whose first dimension is the sample index. Reshape a single vector of D values to 1×D.");
    }
}
