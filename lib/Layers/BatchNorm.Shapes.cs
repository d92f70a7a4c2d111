using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// What <see cref="BatchNorm"/> accepts: dense features N×C or feature maps N×C×H×W with its C channels, and in training
/// mode at least two values per channel (a variance needs two). Each wrong input gets a message that says how to fix it.
/// </summary>
public sealed partial class BatchNorm
{
    private void RequireTwoValuesPerChannel(Tensor input, int m)
    {
        if (m >= 2) return;
        throw new ArgumentException(
            $"{Name}: training mode needs at least 2 values per channel to compute a variance, but the batch {TensorShape.Format(input.Shape)} gives {m}. " +
            "Use batches of 2 or more samples, or switch the model to evaluation mode (Training = false) for single samples.", nameof(input));
    }

    private void RequireChannels(IReadOnlyList<int> shape, bool perSample)
    {
        int axis = perSample ? 0 : 1;
        int rank = shape.Count - axis;
        if ((rank == 1 || rank == 3) && shape[axis] == Channels) return; // checked on every batch: no message unless it fails
        string expected = perSample ? $"{Channels} features or {Channels}×H×W" : $"N×{Channels} or N×{Channels}×H×W";
        string cause = rank switch
        {
            1 or 3 => $"The previous layer outputs {shape[axis]} {(rank == 1 ? "features" : "channels")}; build BatchNorm({shape[axis]}) (one γ and β per channel).",
            < 1 => "BatchNorm takes a batch whose first dimension is the sample index. Reshape a single vector to 1×D.",
            _ => "BatchNorm normalises dense features (N×C) or feature maps (N×C×H×W) channel by channel; other ranks have no channel axis it knows.",
        };
        throw new ShapeMismatchException(Name, expected, shape, cause);
    }
}
