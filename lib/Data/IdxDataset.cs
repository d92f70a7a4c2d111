namespace CnnFromScratch.Data;

/// <summary>
/// A dataset published as four IDX files (training and test images and labels), such as MNIST and Fashion-MNIST:
/// its class names, the pinned checksums of its files, its mirrors, and the loading logic they share.
/// </summary>
public sealed class IdxDataset
{
    /// <summary>Describes a dataset; <paramref name="files"/> are the training images, training labels, test images and test labels, in that order.</summary>
    public IdxDataset(string name, string cacheName, IReadOnlyList<string> classNames, IReadOnlyList<DatasetFile> files,
                      IReadOnlyList<Uri> mirrors, string? systemFolder = null)
    {
        if (files.Count != 4)
            throw new ArgumentException("An IDX dataset has four files: training images, training labels, test images, test labels.", nameof(files));
        Name = name;
        CacheName = cacheName;
        ClassNames = classNames;
        Files = files;
        Mirrors = mirrors;
        SystemFolder = systemFolder;
    }

    /// <summary>The dataset's name, e.g. "MNIST".</summary>
    public string Name { get; }

    /// <summary>The sub-folder of the cache that holds its files, e.g. "mnist".</summary>
    public string CacheName { get; }

    /// <summary>The name of each class.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Training images, training labels, test images, test labels, with their pinned checksums.</summary>
    public IReadOnlyList<DatasetFile> Files { get; }

    /// <summary>The public mirrors, tried in order.</summary>
    public IReadOnlyList<Uri> Mirrors { get; }

    /// <summary>A folder where a system package installs the files (used when present), or null.</summary>
    public string? SystemFolder { get; }

    /// <summary>
    /// The training and test sets, from the local folder, the cache or the mirrors (see <see cref="VerifiedDownloader"/>).
    /// Throws <see cref="DatasetUnavailableException"/> saying what was tried and how to fix it.
    /// </summary>
    public (LabeledImages Train, LabeledImages Test) Load(DownloadOptions? options = null)
    {
        options ??= new DownloadOptions();
        string? local = options.LocalFolder ?? (SystemFolder is not null && Directory.Exists(SystemFolder) ? SystemFolder : null);
        string cache = options.CacheFolder ?? Path.Combine(DataFolder.DefaultCache(), CacheName);
        var downloader = new VerifiedDownloader(cache, options.Mirrors ?? Mirrors, local, options.Timeout, options.Log);
        string howToFix =
            $"How to fix: connect to the internet and run this again, or download the four {Name} files from one of\n  " +
            string.Join("\n  ", Mirrors) +
            $"\ninto {downloader.CacheFolder} (or pass DownloadOptions {{ LocalFolder = \"folder with the files\" }})." +
            (SystemFolder is not null ? $"\nOn Debian/Ubuntu the package installs them into {SystemFolder}." : "") +
            "\nTo continue offline, use the bundled sample: var (train, test) = MnistSample.Load();";

        var paths = Files.Select(f => downloader.Get(f, howToFix)).ToArray();
        return (Read(paths[0], paths[1], "train"), Read(paths[2], paths[3], "test"));
    }

    internal LabeledImages Read(string imagesPath, string labelsPath, string part) =>
        LabeledImages.FromIdx(IdxFile.Read(imagesPath), IdxFile.Read(labelsPath), ClassNames, $"{Name} ({part})", imagesPath, labelsPath);
}
