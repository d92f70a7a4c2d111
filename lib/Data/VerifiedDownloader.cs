using System.Security.Cryptography;

namespace CnnFromScratch.Data;

/// <summary>
/// Gets dataset files into a cache folder, never leaving a corrupt one behind. For each file it tries, in order:
/// a local folder that already holds it, the cache, then each mirror. A download streams into
/// <c>&lt;name&gt;.tmp-&lt;random&gt;</c> beside the final file, hashing as it writes; only a file that matches its
/// pinned SHA-256 is renamed into place (an atomic rename), and the temporary file is deleted on any failure.
/// </summary>
public sealed class VerifiedDownloader
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

    /// <summary>
    /// A download that was killed (the process ended mid-file) leaves its <c>.tmp-</c> file behind. One untouched for
    /// longer than a transfer may take belongs to no running download, so it goes.
    /// </summary>
    private void RemoveAbandonedDownloads(DatasetFile file)
    {
        if (!Directory.Exists(CacheFolder)) return;
        foreach (string temp in Directory.GetFiles(CacheFolder, $"{file.FileName}.tmp-*"))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(temp) <= Timeout) continue;
            try
            {
                File.Delete(temp);
                _log($"Removed {temp}, left by an interrupted download.");
            }
            catch (IOException)
            {
                // Another process has it open after all; it is its to clean up.
            }
        }
    }

    private string? TryDownload(Uri url, DatasetFile file, string target)
    {
        Directory.CreateDirectory(CacheFolder);
        string temp = Path.Combine(CacheFolder, $"{file.FileName}.tmp-{Path.GetRandomFileName().Replace(".", "")}");
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            using var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(20) };
            using var client = new HttpClient(handler) { Timeout = Timeout };
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = client.Send(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            long? expected = response.Content.Headers.ContentLength;
            _log($"Downloading {url}{(expected is long e ? $" ({e / 1e6:0.0} MB)" : "")} …");

            string archiveHash;
            long received = 0;
            using (var body = response.Content.ReadAsStream(timeout.Token))
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                int n;
                long nextReport = 1 << 23;
                // ReadAsync with the token, so a server that stalls mid-file is cut off at the timeout.
                while ((n = body.ReadAsync(buffer, timeout.Token).AsTask().GetAwaiter().GetResult()) > 0)
                {
                    output.Write(buffer, 0, n);
                    hash.AppendData(buffer, 0, n);
                    received += n;
                    if (received >= nextReport)
                    {
                        _log($"  {received / 1e6:0.0} MB{(expected is long total ? $" of {total / 1e6:0.0} MB" : "")}");
                        nextReport += 1 << 23;
                    }
                }
                output.Flush(flushToDisk: true);
                archiveHash = DatasetFile.Hex(hash.GetHashAndReset());
            }
            if (expected is long length && received != length)
                return $"connection closed after {received} of {length} bytes";

            // The streamed hash settles the usual case; Verify also accepts a copy whose gunzipped content matches.
            string? problem = archiveHash == file.ArchiveSha256 ? null : file.Verify(temp);
            if (problem is not null) return problem;
            File.Move(temp, target, overwrite: true);
            _log($"  saved {target} ({received} bytes, SHA-256 verified)");
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return e is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : Describe(e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var x = e; x is not null; x = x.InnerException) messages.Add(x.Message);
        return string.Join(" → ", messages.Distinct());
    }
}
