namespace CnnFromScratch.Data;

/// <summary>
/// The full MNIST handwritten digits (LeCun, Cortes and Burges): 60,000 training and 10,000 test images of 28×28 pixels.
/// <c>var (train, test) = Mnist.Load();</c> downloads them once into <c>data/cache/mnist</c>, verifying each file's SHA-256.
/// </summary>
public static class Mnist
{
    /// <summary>
    /// The dataset's files, checksums and mirrors.
    /// Archive SHA-256 (the .gz files the mirrors serve): as pinned in pytorch/vision,
    /// torchvision/prototype/datasets/_builtin/mnist.py (class MNIST, _CHECKSUMS), and repeated in many other projects.
    /// Content SHA-256 (the uncompressed IDX files): as published in several independent public projects that pin the
    /// extracted files. Neither could be recomputed here (no network); see data/README.md.
    /// </summary>
    public static IdxDataset Dataset { get; } = new(
        "MNIST", "mnist",
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        [
            new("train-images-idx3-ubyte.gz",
                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            new("train-labels-idx1-ubyte.gz",
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            new("t10k-images-idx3-ubyte.gz",
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            new("t10k-labels-idx1-ubyte.gz",
                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ],
        [
            new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),       // PyTorch's mirror
            new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/"),  // TensorFlow's mirror
            new Uri("http://yann.lecun.com/exdb/mnist/"),                     // the original site (often refuses scripts)
        ]);

    /// <summary>The training set (60,000) and the test set (10,000); see <see cref="IdxDataset.Load"/>.</summary>
    public static (LabeledImages Train, LabeledImages Test) Load(DownloadOptions? options = null) => Dataset.Load(options);

    /// <summary>
    /// The full MNIST when it can be had, else the bundled 10,000-digit sample (<see cref="MnistSample.Load"/>),
    /// after logging why: what notebooks use so that they run offline too.
    /// </summary>
    public static (LabeledImages Train, LabeledImages Test) LoadOrSample(DownloadOptions? options = null)
    {
        try
        {
            return Load(options);
        }
        catch (DatasetUnavailableException e)
        {
            (options?.Log ?? Console.WriteLine)($"{e.Message}\nUsing the bundled MNIST sample instead.");
            return MnistSample.Load();
        }
    }
}
