namespace CnnFromScratch.Data;

/// <summary>
/// Gets dataset files into a cache folder, never leaving a corrupt one behind. For each file it tries, in order:
/// a local folder that already holds it, the cache, then each mirror. A download streams into
/// <c>&lt;name&gt;.tmp-&lt;random&gt;</c> beside the final file, hashing as it writes; only a file that matches its
/// pinned SHA-256 is renamed into place (an atomic rename), and the temporary file is deleted on any failure.
/// </summary>
public sealed partial class VerifiedDownloader
{
    private readonly Action<string> _log;

    /// <summary>
    /// A downloader into <paramref name="cacheFolder"/> from <paramref name="mirrors"/> (base addresses, tried in order),
    /// first looking in <paramref name="localFolder"/> if given. <paramref name="timeout"/> bounds each file's transfer
    /// (default 10 minutes); <paramref name="log"/> receives progress lines (default: the console).
    /// </summary>
    public VerifiedDownloader(string cacheFolder, IReadOnlyList<Uri> mirrors, string? localFolder = null,
                              TimeSpan? timeout = null, Action<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheFolder);
        ArgumentNullException.ThrowIfNull(mirrors);
        CacheFolder = Path.GetFullPath(cacheFolder);
        Mirrors = mirrors.Select(m => m.AbsoluteUri.EndsWith('/') ? m : new Uri(m.AbsoluteUri + "/")).ToArray();
        LocalFolder = localFolder;
        Timeout = timeout ?? TimeSpan.FromMinutes(10);
        _log = log ?? Console.WriteLine;
    }

    /// <summary>The folder verified downloads are kept in.</summary>
    public string CacheFolder { get; }

    /// <summary>The mirrors' base addresses, in the order they are tried.</summary>
    public IReadOnlyList<Uri> Mirrors { get; }

    /// <summary>A folder searched before the cache (e.g. /usr/share/datasets/fashion-mnist), or null.</summary>
    public string? LocalFolder { get; }

    /// <summary>The longest one file's transfer may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// The path of a verified copy of <paramref name="file"/>, downloading it if needed. Throws
    /// <see cref="DatasetUnavailableException"/> listing what was tried, with <paramref name="howToFix"/> appended.
    /// </summary>
    public string Get(DatasetFile file, string howToFix = "")
    {
        ArgumentNullException.ThrowIfNull(file);
        if (File.Exists(CacheFolder))
            throw new IOException($"The dataset cache folder {CacheFolder} is a file, not a folder. Move that file away, " +
                                  "or give another cache folder (DownloadOptions.CacheFolder).");
        RemoveAbandonedDownloads(file);
        var attempts = new List<string>();

        if (LocalFolder is not null)
        {
            bool found = false;
            foreach (string name in new[] { file.FileName, file.UncompressedName }.Distinct())
            {
                string path = Path.Combine(LocalFolder, name);
                if (!File.Exists(path)) continue;
                found = true;
                string? problem = file.Verify(path);
                if (problem is null) return path;
                attempts.Add($"local copy {path}: {problem}");
            }
            if (!found) attempts.Add($"local folder {LocalFolder}: no {file.FileName} or {file.UncompressedName} there");
        }

        string target = Path.Combine(CacheFolder, file.FileName);
        if (File.Exists(target))
        {
            string? problem = file.Verify(target);
            if (problem is null) return target;
            // Only verified files are ever renamed into the cache, so this one was changed by hand: replace it.
            _log($"The cached {target} fails verification ({problem}); downloading it again.");
            File.Delete(target);
        }
        else
        {
            attempts.Add($"cache {target}: not there yet");
        }

        foreach (var mirror in Mirrors)
        {
            var url = new Uri(mirror, file.FileName);
            string? problem = TryDownload(url, file, target);
            if (problem is null) return target;
            attempts.Add($"{url}: {problem}");
        }
        if (Mirrors.Count == 0) attempts.Add("no mirrors configured");
        throw new DatasetUnavailableException(file.FileName, attempts, howToFix);
    }
}
