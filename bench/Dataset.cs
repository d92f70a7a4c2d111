using CnnFromScratch.Data;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Bench;

/// <summary>The training and test sets of an IDX folder (Fashion-MNIST, MNIST, or anything of the same format).</summary>
internal sealed record Dataset(LabeledImages Train, Tensor TrainTargets, LabeledImages Test)
{
    public static Dataset Load(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"The data folder {folder} does not exist. Install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist), " +
                "or pass --data with a folder holding train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz).");
        string[] classes = Enumerable.Range(0, 10).Select(k => k.ToString()).ToArray();
        LabeledImages Read(string part) => LabeledImages.FromIdx(
            IdxFile.Read(Find(folder, $"{part}-images-idx3-ubyte")), IdxFile.Read(Find(folder, $"{part}-labels-idx1-ubyte")),
            classes, $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))} ({part})");
        LabeledImages train = Read("train"), test = Read("t10k");
        return new Dataset(train, train.OneHotLabels(), test);
    }

    // The same lookup as pytorch_reference.py: the .gz file if present, else the uncompressed one.
    private static string Find(string folder, string stem)
    {
        foreach (string name in new[] { stem + ".gz", stem })
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{stem}(.gz) is not in {folder}.");
    }
}
