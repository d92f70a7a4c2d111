namespace CnnFromScratch.Data;

/// <summary>
/// The bundled sample of 10,000 real MNIST digits under <c>data/mnist-sample</c>, so every notebook runs offline:
/// <c>var (train, test) = MnistSample.Load();</c> gives 8,000 training and 2,000 test images, each class split 80/20.
/// Provenance, licence and checksums: data/README.md.
/// </summary>
public static class MnistSample
{
    /// <summary>The sample's folder name under <c>data/</c>.</summary>
    public const string FolderName = "mnist-sample";

    /// <summary>The bundled files with the SHA-256 of each (as committed, and of its IDX content).</summary>
    public static IdxDataset Dataset { get; } = new(
        "MNIST sample", FolderName,
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        [
            new("train-images-idx3-ubyte.gz",
                "791932a6d873ca45c7f3fa97482c9cd39885de1f5a1bac76659ef5e91fefb863",
                "348df835eddd13d3faceb3afef4de978352b57718f9342a0bc79164e0b476ca1"),
            new("train-labels-idx1-ubyte.gz",
                "fa40de3cd55903e88be78dfd8ed5df0e76f1bdacbc3a1602f48dd1de3ef9697b",
                "05bb297819835ac8e16ffb86dbdf37d855bb8ca35d6261f24619a0e88b40f8ea"),
            new("t10k-images-idx3-ubyte.gz",
                "4de12c2bdabeabefd0030ddf73f72c961170d2d8dc66840a6fbe473f5710ffe6",
                "d13c983e0289a0a8053aba0e5638d8089f742a1eff3379980592e8b3d1ec0e3c"),
            new("t10k-labels-idx1-ubyte.gz",
                "82ba2894333cba9383da22b92daa016729c99435be44686a5adc1543c0d26b29",
                "301bc79f40613fff6980927addf8942dff065348769413f65a8eb577066b6952"),
        ],
        mirrors: []);

    /// <summary>The folder holding the sample (found upward from the working directory or the library).</summary>
    public static string Folder => DataFolder.Find(FolderName);

    /// <summary>The training part (8,000 images) and the test part (2,000 images), checksums verified.</summary>
    public static (LabeledImages Train, LabeledImages Test) Load() => BundledSample.Load(Dataset, Folder, FolderName);
}
