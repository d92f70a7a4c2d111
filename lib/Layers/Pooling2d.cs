namespace CnnFromScratch.Layers;

/// <summary>Hyper-parameter and shape checks shared by <see cref="MaxPool2d"/> and <see cref="AvgPool2d"/>.</summary>
internal static class Pooling2d
{
    /// <summary>The stride to use (the window when not given), after rejecting invalid values.</summary>
    public static int CheckHyperParameters(string layer, int window, int? stride)
    {
        LayerErrors.RequireAtLeast(window, 1, nameof(window), layer, "the pooling window");
        LayerErrors.RequireAtLeast(stride ?? window, 1, nameof(stride), layer, "the stride");
        return stride ?? window;
    }

    /// <summary>C×OH×OW for an image input; the messages name the layer.</summary>
    public static (int Channels, int OutHeight, int OutWidth) Check(string layer, IReadOnlyList<int> shape, bool hasBatch, int window, int stride) =>
        ImageInput.Check(layer, shape, hasBatch, channels: null, window, stride, padding: 0);
}
