namespace CnnFromScratch.Data;

/// <summary>
/// The bundled sample of 10,000 Fashion-MNIST images under <c>data/fashion-sample</c> (from Debian's
/// <c>dataset-fashion-mnist</c>, MIT licence), a harder dataset that runs offline:
/// <c>var (train, test) = FashionMnistSample.Load();</c> gives 8,000 training images (800 per class, from the official
/// training set) and 2,000 test images (200 per class, from the official test set). Provenance and checksums: data/README.md.
/// </summary>
public static class FashionMnistSample
{
    /// <summary>The sample's folder name under <c>data/</c>.</summary>
    public const string FolderName = "fashion-sample";

    /// <summary>The bundled files with the SHA-256 of each (as committed, and of its IDX content); the class names of Fashion-MNIST.</summary>
    public static IdxDataset Dataset { get; } = new(
        "Fashion-MNIST sample", FolderName,
        FashionMnist.Dataset.ClassNames,
        [
            new("train-images-idx3-ubyte.gz",
                "15873c6b017f0bee82b3057a6c8a4ad709e0ad085b139e0bd912b3b8939b40d3",
                "fa6f000632b9a982fb52ef65b5bafb79b23f9d096b5d161556494df5f2231637"),
            new("train-labels-idx1-ubyte.gz",
                "58e6dfa977fbae547b7bba573d018218a4a2af4835bf4e8591ea8eb3d595f5f3",
                "564c5f5d89178412e6691f3c0f4c0bb51a15858e6887ba238349789cf7e655b6"),
            new("t10k-images-idx3-ubyte.gz",
                "524a20098986de61175500af11a6a13345c7415fa6fab71a86320c0ba8d31097",
                "4bc0c1f721f2a630bb9c7da6acbbf90b488be49db57d8857abf37addc2dc2895"),
            new("t10k-labels-idx1-ubyte.gz",
                "8a19a6d3d625663652672e5672f5461cb30f2ed87d6bc207109e6034cc785213",
                "bb57c7de4d808dc592ef4029a8e7568033f624239ed4d40d54a536c5ab1371e2"),
        ],
        mirrors: []);

    /// <summary>The folder holding the sample (found upward from the working directory or the library).</summary>
    public static string Folder => DataFolder.Find(FolderName);

    /// <summary>The training part (8,000 images) and the test part (2,000 images), checksums verified.</summary>
    public static (LabeledImages Train, LabeledImages Test) Load() => BundledSample.Load(Dataset, Folder, FolderName);
}
