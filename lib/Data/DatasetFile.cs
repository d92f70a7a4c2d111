using System.IO.Compression;
using System.Security.Cryptography;

namespace CnnFromScratch.Data;

/// <summary>
/// One file of a dataset with its pinned checksums. A copy is accepted when the SHA-256 of its bytes equals
/// <see cref="ArchiveSha256"/> (the .gz file exactly as the mirrors serve it) or the SHA-256 of its IDX content
/// (after gunzip, if compressed) equals <see cref="ContentSha256"/>, so a re-compressed or uncompressed copy of the
/// same data, as Debian ships, is accepted too.
/// </summary>
/// <param name="FileName">The name on the mirrors, e.g. "train-images-idx3-ubyte.gz".</param>
/// <param name="ArchiveSha256">SHA-256 (lower-case hex) of the compressed file, or null if not pinned.</param>
/// <param name="ContentSha256">SHA-256 (lower-case hex) of the uncompressed IDX content, or null if not pinned.</param>
public sealed record DatasetFile(string FileName, string? ArchiveSha256, string? ContentSha256)
{
    /// <summary>The file name without ".gz": the name of an uncompressed copy.</summary>
    public string UncompressedName => FileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? FileName[..^3] : FileName;

    /// <summary>Null when the file at <paramref name="path"/> matches a pinned checksum, else what is wrong.</summary>
    public string? Verify(string path)
    {
        string archive;
        using (var stream = File.OpenRead(path)) archive = Hex(SHA256.HashData(stream));
        if (ArchiveSha256 is not null && archive == ArchiveSha256) return null;
        string content = "unknown";
        if (ContentSha256 is not null)
        {
            try
            {
                content = ContentHash(path);
                if (content == ContentSha256) return null;
            }
            catch (InvalidDataException e)
            {
                content = $"none: it is not a valid gzip file ({e.Message})";
            }
        }
        var expected = new List<string>();
        if (ArchiveSha256 is not null) expected.Add($"{ArchiveSha256} for the file");
        if (ContentSha256 is not null) expected.Add($"{ContentSha256} for its uncompressed content (which has {content})");
        return $"wrong checksum: SHA-256 {archive}, expected {string.Join(" or ", expected)}";
    }

    internal static string Hex(byte[] hash) => Convert.ToHexString(hash).ToLowerInvariant();

    private static string ContentHash(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> signature = stackalloc byte[2];
        bool gzip = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false) == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
        file.Position = 0;
        if (!gzip) return Hex(SHA256.HashData(file));
        using var inflated = new GZipStream(file, CompressionMode.Decompress);
        return Hex(SHA256.HashData(inflated));
    }
}
