using CnnFromScratch.Tensors;

namespace CnnFromScratch.Data;

/// <summary>
/// On-the-fly data augmentation: moves each image of a batch by a random whole number of pixels, dy and dx drawn
/// uniformly from −k … k, filling the uncovered border with 0 (the background of MNIST). A network then sees a slightly
/// different copy of every digit in every epoch, which is a free source of extra training data for a model that should
/// not care where exactly the digit sits.
/// </summary>
/// <remarks>
/// Give <see cref="Apply"/> to <see cref="Training.TrainingOptions.Augment"/>: the trainer calls it on each batch's
/// copy of the inputs, so the data set itself never changes. It allocates nothing per batch.
/// </remarks>
public sealed class RandomShift
{
    private readonly Random _random;
    private float[] _scratch = [];

    /// <summary>Shifts by up to <paramref name="maxShift"/> pixels in each direction, drawing from <paramref name="random"/>.</summary>
    public RandomShift(int maxShift, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (maxShift < 0)
            throw new ArgumentOutOfRangeException(nameof(maxShift), maxShift, "The largest shift k must be 0 or more pixels (typical: 1 or 2 for 28×28 digits).");
        MaxShift = maxShift;
        _random = random;
    }

    /// <summary>k, the largest shift in pixels.</summary>
    public int MaxShift { get; }

    /// <summary>Shifts every image of <paramref name="images"/> (N×C×H×W) in place, each by its own random (dy, dx).</summary>
    public void Apply(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4)
            throw new ArgumentException(
                $"RandomShift takes a batch of images N×C×H×W but got {TensorShape.Format(images.Shape)}. Shift the images before Flatten, on the model's input.",
                nameof(images));
        int n = images.Dim(0), c = images.Dim(1), h = images.Dim(2), w = images.Dim(3), plane = h * w;
        if (_scratch.Length < plane) _scratch = new float[plane];
        Span<float> data = images.Data, copy = _scratch.AsSpan(0, plane);
        for (int i = 0; i < n; i++)
        {
            int dy = _random.Next(-MaxShift, MaxShift + 1), dx = _random.Next(-MaxShift, MaxShift + 1);
            if (dy == 0 && dx == 0) continue;
            for (int ch = 0; ch < c; ch++)
            {
                Span<float> image = data.Slice((i * c + ch) * plane, plane);
                image.CopyTo(copy);
                Shift(copy, image, h, w, dy, dx);
            }
        }
    }

    /// <summary>destination[r, q] = source[r − dy, q − dx] where that pixel exists, else 0: the picture moves dy rows down and dx columns right.</summary>
    public static void Shift(ReadOnlySpan<float> source, Span<float> destination, int height, int width, int dy, int dx)
    {
        destination.Slice(0, height * width).Clear();
        int columns = width - Math.Abs(dx);
        if (columns <= 0) return;
        int fromColumn = Math.Max(0, -dx), toColumn = Math.Max(0, dx);
        for (int r = Math.Max(0, dy); r < Math.Min(height, height + dy); r++)
            source.Slice((r - dy) * width + fromColumn, columns).CopyTo(destination.Slice(r * width + toColumn, columns));
    }
}
