namespace CnnFromScratch.Data;

/// <summary>Where <see cref="Mnist"/> and <see cref="FashionMnist"/> look for their files. Every setting has a sensible default.</summary>
public sealed record DownloadOptions
{
    /// <summary>The cache folder; default <see cref="DataFolder.DefaultCache"/>/&lt;dataset&gt;, i.e. <c>data/cache/mnist</c> in the repository.</summary>
    public string? CacheFolder { get; init; }

    /// <summary>A folder that already holds the files (raw or .gz), searched first; default: the dataset's usual system folder, if any.</summary>
    public string? LocalFolder { get; init; }

    /// <summary>Mirror base addresses tried in order; default: the dataset's well-known public mirrors.</summary>
    public IReadOnlyList<Uri>? Mirrors { get; init; }

    /// <summary>The longest one file's download may take; default 10 minutes.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Receives progress lines; default: the console.</summary>
    public Action<string>? Log { get; init; }
}
