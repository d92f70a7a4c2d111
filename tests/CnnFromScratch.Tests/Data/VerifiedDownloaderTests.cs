using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CnnFromScratch.Data;

namespace CnnFromScratch.Tests.Data;

public sealed class VerifiedDownloaderTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("download-tests-").FullName;
    private readonly LoopbackHttpServer _server = new();
    private readonly List<string> _log = [];

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    /// <summary>A small real IDX gzip file and its pinned checksum.</summary>
    private static (byte[] Bytes, DatasetFile File) LabelFile(int seed = 1)
    {
        var labels = new byte[500];
        new Random(seed).NextBytes(labels);
        var stream = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            IdxFile.Write(gz, IdxArray.Create(labels, labels.Length));
        var bytes = stream.ToArray();
        return (bytes, new DatasetFile("labels-idx1-ubyte.gz", Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), null));
    }

    private VerifiedDownloader Downloader(params string[] mirrorPaths) =>
        new(_cache, mirrorPaths.Select(p => new Uri(_server.BaseAddress, p)).ToArray(), timeout: TimeSpan.FromSeconds(20), log: _log.Add);

    private string[] CacheContents() => Directory.GetFiles(_cache).Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void A_temporary_file_left_by_a_killed_download_is_removed_by_the_next_one()
    {
        var (bytes, file) = LabelFile();
        _server.Serve("/a/labels-idx1-ubyte.gz", bytes);
        string abandoned = Path.Combine(_cache, $"{file.FileName}.tmp-abandoned");
        File.WriteAllBytes(abandoned, bytes[..10]);
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddHours(-1));   // older than any transfer may take
        string running = Path.Combine(_cache, $"{file.FileName}.tmp-running");
        File.WriteAllBytes(running, bytes[..10]);                               // another download, still writing

        Downloader("a/").Get(file);

        Assert.Equal([file.FileName, Path.GetFileName(running)], CacheContents().Order().ToArray());
        Assert.Contains(_log, l => l.Contains("left by an interrupted download"));
    }

    [Fact]
    public void A_cache_folder_path_that_is_a_file_gets_an_error_saying_so()
    {
        var (_, file) = LabelFile();
        string notAFolder = Path.Combine(_cache, "cache-is-a-file");
        File.WriteAllText(notAFolder, "");

        var e = Assert.Throws<IOException>(() => new VerifiedDownloader(notAFolder, []).Get(file));

        Assert.Contains("is a file, not a folder", e.Message);
        Assert.Contains("DownloadOptions.CacheFolder", e.Message);
    }

    [Fact]
    public void A_good_file_is_downloaded_verified_and_renamed_into_the_cache()
    {
        var (bytes, file) = LabelFile();
        _server.Serve("/a/labels-idx1-ubyte.gz", bytes);

        string path = Downloader("a/").Get(file);

        Assert.Equal(Path.Combine(_cache, file.FileName), path);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal([file.FileName], CacheContents());
        Assert.Equal(500, IdxFile.Read(path).Length);
    }

    [Fact]
    public void A_file_with_a_wrong_checksum_is_rejected_and_nothing_is_left_in_the_cache()
    {
        var (_, file) = LabelFile(seed: 1);
        var (otherBytes, _) = LabelFile(seed: 2);
        _server.Serve("/a/labels-idx1-ubyte.gz", otherBytes);

        var e = Assert.Throws<DatasetUnavailableException>(() => Downloader("a/").Get(file, "How to fix: test."));

        Assert.Contains("wrong checksum", e.Message);
        Assert.Contains(file.ArchiveSha256!, e.Message);
        Assert.EndsWith("How to fix: test.", e.Message);
        Assert.Empty(CacheContents());
    }

    [Fact]
    public void A_connection_dropped_halfway_leaves_nothing_and_the_next_mirror_is_tried()
    {
        var (bytes, file) = LabelFile();
        _server.ServeHalfThenDrop("/broken/labels-idx1-ubyte.gz", bytes);
        _server.Serve("/good/labels-idx1-ubyte.gz", bytes);
        var downloader = Downloader("broken/", "good/");

        string path = downloader.Get(file);

        Assert.Equal(1, _server.RequestsFor("/broken/labels-idx1-ubyte.gz"));
        Assert.Equal(1, _server.RequestsFor("/good/labels-idx1-ubyte.gz"));
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal([file.FileName], CacheContents());
    }

    [Fact]
    public void A_connection_dropped_halfway_on_the_only_mirror_leaves_nothing_and_says_what_happened()
    {
        var (bytes, file) = LabelFile();
        _server.ServeHalfThenDrop("/broken/labels-idx1-ubyte.gz", bytes);

        var e = Assert.Throws<DatasetUnavailableException>(() => Downloader("broken/").Get(file));

        Assert.Contains("/broken/labels-idx1-ubyte.gz: ", e.Message);
        Assert.Contains("ended prematurely", e.Attempts[^1]);
        Assert.Empty(CacheContents());
    }

    [Fact]
    public void A_second_call_is_served_from_the_cache_without_any_request()
    {
        var (bytes, file) = LabelFile();
        _server.Serve("/a/labels-idx1-ubyte.gz", bytes);
        Downloader("a/").Get(file);
        Assert.Equal(1, _server.TotalRequests);

        string path = Downloader("a/").Get(file);

        Assert.Equal(1, _server.TotalRequests);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_cached_file_changed_by_hand_is_downloaded_again()
    {
        var (bytes, file) = LabelFile();
        _server.Serve("/a/labels-idx1-ubyte.gz", bytes);
        File.WriteAllText(Path.Combine(_cache, file.FileName), "damaged");

        string path = Downloader("a/").Get(file);

        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(1, _server.TotalRequests);
    }

    [Fact]
    public void Missing_files_and_unreachable_mirrors_give_a_message_listing_every_attempt()
    {
        var (_, file) = LabelFile();
        int closedPort = ClosedPort();
        var downloader = new VerifiedDownloader(_cache,
            [new Uri(_server.BaseAddress, "missing/"), new Uri($"http://127.0.0.1:{closedPort}/mnist/")],
            localFolder: Path.Combine(_cache, "no-such-folder"), timeout: TimeSpan.FromSeconds(20), log: _log.Add);

        var e = Assert.Throws<DatasetUnavailableException>(() => downloader.Get(file, "How to fix: connect."));

        Assert.Equal(4, e.Attempts.Count);
        Assert.Contains("no-such-folder: no labels-idx1-ubyte.gz or labels-idx1-ubyte there", e.Attempts[0]);
        Assert.Contains("not there yet", e.Attempts[1]);
        Assert.Contains("HTTP 404", e.Attempts[2]);
        Assert.StartsWith($"http://127.0.0.1:{closedPort}/mnist/labels-idx1-ubyte.gz: ", e.Attempts[3]);
        Assert.Contains("How to fix: connect.", e.Message);
        Assert.Empty(CacheContents());
    }

    [Fact]
    public void A_local_folder_with_an_uncompressed_copy_is_accepted_by_its_content_checksum()
    {
        var labels = IdxArray.Create(new byte[] { 1, 2, 3 }, 3);
        string local = Directory.CreateDirectory(Path.Combine(_cache, "local")).FullName;
        IdxFile.Write(Path.Combine(local, "labels-idx1-ubyte"), labels);
        string contentHash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(local, "labels-idx1-ubyte")))).ToLowerInvariant();
        var file = new DatasetFile("labels-idx1-ubyte.gz", "0000000000000000000000000000000000000000000000000000000000000000", contentHash);

        string path = new VerifiedDownloader(Path.Combine(_cache, "c"), [], local, log: _log.Add).Get(file);

        Assert.Equal(Path.Combine(local, "labels-idx1-ubyte"), path);
        Assert.Equal(0, _server.TotalRequests);
    }

    private static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
