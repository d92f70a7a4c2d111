using System.Security.Cryptography;

namespace CnnFromScratch.Data;

// One transfer: stream into a temporary file beside the target while hashing, rename it into place only when the SHA-256 matches, and clear away the temporary files of transfers that were killed.
public sealed partial class VerifiedDownloader
{
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
