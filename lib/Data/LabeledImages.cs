using CnnFromScratch.Tensors;

namespace CnnFromScratch.Data;

/// <summary>
/// A dataset of images with one class label each: <see cref="Images"/> is N×C×H×W with pixels in [0, 1]
/// (N×1×28×28 for MNIST), <see cref="Labels"/>[n] is the class of image n.
/// </summary>
public sealed class LabeledImages
{
    private readonly int[] _labels;
    private readonly string[] _classNames;

    /// <summary>Wraps <paramref name="images"/> (not copied) and a copy of <paramref name="labels"/>, checking that they agree.</summary>
    public LabeledImages(Tensor images, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, string name = "images")
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (images.Rank != 4)
            throw new ArgumentException(
                $"Images must be N×C×H×W, but got {TensorShape.Format(images.Shape)}. A single grey image batch of N×H×W needs .Reshape(N, 1, H, W).",
                nameof(images));
        if (images.Dim(0) != labels.Count)
            throw new ArgumentException($"{name}: {images.Dim(0)} images but {labels.Count} labels; every image needs exactly one label.", nameof(labels));
        if (classNames.Count == 0)
            throw new ArgumentException("There must be at least one class name.", nameof(classNames));
        for (int n = 0; n < labels.Count; n++)
            if ((uint)labels[n] >= (uint)classNames.Count)
                throw new ArgumentException(
                    $"{name}: label {labels[n]} of image {n} is outside 0..{classNames.Count - 1} (there are {classNames.Count} classes).", nameof(labels));
        Images = images;
        _labels = labels.ToArray();
        _classNames = classNames.ToArray();
        Name = name;
    }

    /// <summary>A short name shown in summaries and chart titles, e.g. "MNIST sample (train)".</summary>
    public string Name { get; }

    /// <summary>The images, N×C×H×W, pixels in [0, 1].</summary>
    public Tensor Images { get; }

    /// <summary>The class of each image, 0..<see cref="ClassCount"/>−1.</summary>
    public int[] Labels => _labels;

    /// <summary>The name of each class, e.g. "0".."9" for MNIST, "T-shirt/top".."Ankle boot" for Fashion-MNIST.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>The number of images N.</summary>
    public int Count => _labels.Length;

    /// <summary>The number of classes K.</summary>
    public int ClassCount => _classNames.Length;

    /// <summary>The shape of one image, C×H×W (1×28×28 for MNIST).</summary>
    public int[] ImageShape => [Images.Dim(1), Images.Dim(2), Images.Dim(3)];

    /// <summary>A copy of image <paramref name="index"/>, shaped H×W when it has one channel, else C×H×W.</summary>
    public Tensor Image(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {Count} images (0..{Count - 1}).");
        int size = Images.Length / Count;
        var pixels = Images.Data.AsSpan(index * size, size).ToArray();
        return Images.Dim(1) == 1
            ? new Tensor(pixels, Images.Dim(2), Images.Dim(3))
            : new Tensor(pixels, ImageShape);
    }

    /// <summary>The labels as one-hot rows, N×K (see <see cref="OneHot.Encode"/>).</summary>
    public Tensor OneHotLabels() => OneHot.Encode(_labels, ClassCount);

    /// <summary>How many images each class has, indexed by class.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (int label in _labels) counts[label]++;
        return counts;
    }

    /// <summary>The first <paramref name="count"/> images (a copy), e.g. to try a network on a small batch first.</summary>
    public LabeledImages Take(int count)
    {
        if (count < 0 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{Name} has {Count} images; take between 0 and {Count}.");
        return Subset(Enumerable.Range(0, count).ToArray(), $"{Name}[:{count}]");
    }

    /// <summary>The images at <paramref name="indices"/>, in that order (a copy).</summary>
    public LabeledImages Subset(IReadOnlyList<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int size = Images.Length / Math.Max(1, Count);
        var data = new float[indices.Count * size];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int n = indices[i];
            if ((uint)n >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {n} at position {i} is outside 0..{Count - 1} ({Name} has {Count} images).");
            Images.Data.AsSpan(n * size, size).CopyTo(data.AsSpan(i * size, size));
            labels[i] = _labels[n];
        }
        var shape = ImageShape;
        return new LabeledImages(new Tensor(data, indices.Count, shape[0], shape[1], shape[2]), labels, _classNames, name ?? $"{Name} subset");
    }

    /// <summary>
    /// A seeded, stratified split into a training part and a validation part holding about
    /// <paramref name="validationFraction"/> of every class (see <see cref="TrainValidationSplit.Stratified"/>).
    /// </summary>
    public (LabeledImages Train, LabeledImages Validation) SplitValidation(double validationFraction, int seed)
    {
        var (train, validation) = TrainValidationSplit.Stratified(_labels, validationFraction, seed);
        return (Subset(train, $"{Name} – train part"), Subset(validation, $"{Name} – validation part"));
    }

    /// <summary>
    /// A dataset from an image IDX array (unsigned bytes, N×H×W or N×C×H×W) and a label IDX array (unsigned bytes, N);
    /// pixels are scaled to [0, 1]. The sources name the files in error messages.
    /// </summary>
    public static LabeledImages FromIdx(IdxArray images, IdxArray labels, IReadOnlyList<string> classNames, string name,
                                        string imagesSource = "images", string labelsSource = "labels")
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.ElementType != IdxElementType.UnsignedByte || labels.Dimensions.Count != 1)
            throw new IdxFormatException(labelsSource,
                $"a label file holds one unsigned byte per image (an IDX array of rank 1, magic 0x00000801), but this is {labels}. Are the image and label files swapped?");
        if (images.Dimensions.Count is not (3 or 4))
            throw new IdxFormatException(imagesSource,
                $"an image file is N×H×W (magic 0x00000803), but this is {images}. Are the image and label files swapped?");
        if (images.Dimensions[0] != labels.Dimensions[0])
            throw new IdxFormatException($"{imagesSource} and {labelsSource}",
                $"labels and images disagree in count: {images.Dimensions[0]} images but {labels.Dimensions[0]} labels. " +
                "The two files do not belong together (e.g. a training image file with a test label file).");
        var classes = labels.As<byte>();
        for (int n = 0; n < classes.Length; n++)
            if (classes[n] >= classNames.Count)
                throw new IdxFormatException(labelsSource, $"label {classes[n]} of image {n} is outside 0..{classNames.Count - 1}.");
        return new LabeledImages(Normalization.ToUnitRange(images), classes.Select(b => (int)b).ToArray(), classNames, name);
    }

    /// <summary>For example "MNIST sample (train): 8000 images of 1×28×28, 10 classes".</summary>
    public override string ToString() => $"{Name}: {Count} images of {TensorShape.Format(ImageShape)}, {ClassCount} classes";
}
