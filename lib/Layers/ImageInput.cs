namespace CnnFromScratch.Layers;

/// <summary>The input checks shared by the image layers (convolution and pooling), with the messages students need.</summary>
internal static class ImageInput
{
    /// <summary>
    /// Checks an image shape (N×C×H×W when <paramref name="hasBatch"/>, else C×H×W) against a layer with the given window,
    /// and returns the output size from <see cref="ConvArithmetic.OutputSize"/>.
    /// </summary>
    public static (int Channels, int OutHeight, int OutWidth) Check(
        string layer, IReadOnlyList<int> shape, bool hasBatch, int? channels, int window, int stride, int padding)
    {
        ArgumentNullException.ThrowIfNull(shape);
        // The expected shape is only spelled out when it is needed: this check runs on every batch, which must not allocate.
        string Expected()
        {
            int minSide = Math.Max(1, window - 2 * padding);
            string c = channels is int k ? k.ToString() : "C";
            return (hasBatch ? "N×" : "") + $"{c}×H×W" +
                (channels is int n ? $" with {n} input channel{(n == 1 ? "" : "s")}" : "") + $", H and W at least {minSide}";
        }
        int offset = hasBatch ? 1 : 0;
        if (shape.Count != offset + 3)
        {
            string cause = (shape.Count - offset) switch
            {
                1 => $"{layer} takes images, not flat vectors; it cannot follow Flatten or Dense. " +
                     "Reshape vectors to images first, e.g. input.Reshape(-1, 1, 28, 28) for MNIST.",
                2 => "Add the channel dimension: a grey image H×W is 1×H×W (reshape N×H×W to N×1×H×W).",
                _ => $"Images are {(hasBatch ? "N×" : "")}C×H×W (channels, rows, columns).",
            };
            throw new ShapeMismatchException(layer, Expected(), shape, cause);
        }
        int inChannels = shape[offset], height = shape[offset + 1], width = shape[offset + 2];
        if (channels is int required && inChannels != required)
            throw new ShapeMismatchException(layer, Expected(), shape,
                $"The input has {inChannels} channel{(inChannels == 1 ? "" : "s")} (the outChannels of the previous Conv2d, or 1 for grey images); " +
                $"set inChannels to {inChannels}.");
        // The layers check their hyper-parameters when built, so only the size can be wrong here.
        if (height <= 0 || width <= 0)
            throw new ShapeMismatchException(layer, Expected(), shape, "The image is empty. Earlier layers may have shrunk the image too much.");
        if ((ConvArithmetic.DoesNotFit(height, window, padding) ?? ConvArithmetic.DoesNotFit(width, window, padding)) is string reason)
            throw new ShapeMismatchException(layer, Expected(), shape, $"{reason} Earlier layers may have shrunk the image too much.");
        return (inChannels, ConvArithmetic.OutputSize(height, window, stride, padding), ConvArithmetic.OutputSize(width, window, stride, padding));
    }
}
