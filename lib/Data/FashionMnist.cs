namespace CnnFromScratch.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence): 60,000 training and 10,000 test images of clothing, 28×28 pixels,
/// in ten classes, a drop-in harder replacement for MNIST. <c>var (train, test) = FashionMnist.Load();</c> uses
/// <c>/usr/share/datasets/fashion-mnist</c> when Debian's package <c>dataset-fashion-mnist</c> is installed, else
/// downloads into <c>data/cache/fashion-mnist</c>.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's package dataset-fashion-mnist installs the four .gz files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// The dataset's files, checksums and mirrors.
    /// Archive SHA-256 (the original .gz files on GitHub and the official mirror): as pinned in pytorch/vision,
    /// torchvision/prototype/datasets/_builtin/mnist.py (class FashionMNIST, _CHECKSUMS); not recomputed here.
    /// Content SHA-256 (the uncompressed IDX files): computed here from Debian's dataset-fashion-mnist
    /// (0.0~git20200523.55506a9-1), whose .gz files are re-compressed (their headers differ from the originals) but
    /// hold the same IDX bytes; the same values are published by other projects that derived them from the originals.
    /// </summary>
    public static IdxDataset Dataset { get; } = new(
        "Fashion-MNIST", "fashion-mnist",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        [
            new("train-images-idx3-ubyte.gz",
                "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            new("train-labels-idx1-ubyte.gz",
                "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            new("t10k-images-idx3-ubyte.gz",
                "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            new("t10k-labels-idx1-ubyte.gz",
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        ],
        [
            new Uri("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
            new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
        ],
        DebianFolder);

    /// <summary>The training set (60,000) and the test set (10,000); see <see cref="IdxDataset.Load"/>.</summary>
    public static (LabeledImages Train, LabeledImages Test) Load(DownloadOptions? options = null) => Dataset.Load(options);
}
