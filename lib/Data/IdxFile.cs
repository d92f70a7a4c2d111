using System.Buffers.Binary;
using System.IO.Compression;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Data;

/// <summary>
/// Reads and writes IDX files, the format of MNIST, raw or gzip-compressed.
/// </summary>
/// <remarks>
/// Layout: a 4-byte magic number (two zero bytes, the element type, the number of dimensions), one big-endian
/// 32-bit size per dimension, then the elements in row-major order, big-endian. Reading is strict: every
/// inconsistency raises an <see cref="IdxFormatException"/> naming the file and what is wrong, because a silently
/// misread dataset costs hours of debugging a network that is fine.
/// </remarks>
public static partial class IdxFile
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Reads an IDX file; gzip compression is recognised from the content, not the file name.</summary>
    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
            throw new FileNotFoundException($"{path} is a folder, not an IDX file; name one of the files in it.", path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file.", path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads an IDX file from <paramref name="stream"/>; <paramref name="source"/> names it in error messages.</summary>
    public static IdxArray Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            // Sniffing the gzip signature needs to look ahead, so read a forward-only stream into memory first.
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        Span<byte> signature = stackalloc byte[2];
        int sniffed = stream.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
        stream.Position = start;
        if (sniffed == 2 && signature[0] == 0x1F && signature[1] == 0x8B)
        {
            using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            return ReadIdx(gzip, source, compressed: true, knownLength: null);
        }
        return ReadIdx(stream, source, compressed: false, knownLength: stream.Length - start);
    }

    private static IdxArray ReadIdx(Stream stream, string source, bool compressed, long? knownLength)
    {
        string what = compressed ? "the decompressed data" : "the file";
        try
        {
            Span<byte> magic = stackalloc byte[4];
            int got = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
            if (got < 4)
                throw Bad(source, $"truncated header: {what} ends at byte {got}, but an IDX file starts with a 4-byte magic number.");
            if (magic[0] != 0 || magic[1] != 0)
                throw Bad(source,
                    $"wrong magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}: an IDX file starts with two zero bytes, " +
                    "the element type and the number of dimensions (0x00000803 for MNIST images, 0x00000801 for labels). " +
                    "Is this an IDX file, and not HTML or some other format?");
            var type = (IdxElementType)magic[2];
            if (!Enum.IsDefined(type))
                throw Bad(source,
                    $"unknown element type 0x{magic[2]:X2} in the magic number; IDX defines 0x08 (unsigned byte), 0x09 (signed byte), " +
                    "0x0B (int16), 0x0C (int32), 0x0D (float32) and 0x0E (float64).");
            int rank = magic[3];
            if (rank == 0)
                throw Bad(source, "the magic number declares 0 dimensions; an IDX array needs at least one.");

            var sizes = new byte[4 * rank];
            got = stream.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false);
            int headerLength = 4 + sizes.Length;
            if (got < sizes.Length)
                throw Bad(source,
                    $"truncated header: {what} ends at byte {4 + got}, but a {rank}-dimensional IDX header is {headerLength} bytes long.");
            var dimensions = new int[rank];
            long count = 1;
            for (int d = 0; d < rank; d++)
            {
                uint size = BinaryPrimitives.ReadUInt32BigEndian(sizes.AsSpan(4 * d));
                if (size > int.MaxValue)
                    throw Bad(source, $"dimension {d} has size {size}, which cannot be right (the header is probably corrupt).");
                dimensions[d] = (int)size;
                count *= size;
                if (count > Array.MaxLength)
                    throw Bad(source, $"the dimensions {TensorShape.Format(dimensions[..(d + 1)])}… hold more elements than one array can; the header is probably corrupt.");
            }

            int elementSize = IdxArray.ElementSize(type);
            long payloadLength = count * elementSize;
            long expectedTotal = headerLength + payloadLength;
            string promise = $"the header promises {TensorShape.Format(dimensions)} = {count} elements of {elementSize} byte{(elementSize == 1 ? "" : "s")}, " +
                             $"so {what} should be {expectedTotal} bytes long";
            if (payloadLength > Array.MaxLength)
                throw Bad(source, $"{promise}, more than one array can hold; the header is probably corrupt.");
            if (knownLength is long length && length != expectedTotal)
                throw Bad(source, length < expectedTotal
                    ? $"truncated payload: {promise}, but it ends at byte {length}."
                    : $"{length - expectedTotal} unexpected bytes after the last element: {promise}, but it is {length} bytes long.");

            var payload = ReadPayload(stream, (int)payloadLength, source, headerLength, promise);
            return IdxArray.FromTrusted(type, Decode(type, payload, (int)count), dimensions);
        }
        catch (InvalidDataException e) when (compressed)
        {
            throw Bad(source, $"the gzip stream is corrupt or cut short ({e.Message}). Delete the file and download it again.", e);
        }
    }

    private static byte[] ReadPayload(Stream stream, int length, string source, int headerLength, string promise)
    {
        // Grow the buffer as data arrives, so a corrupt header that claims gigabytes fails on the data, not on allocation.
        var buffer = new byte[Math.Min(length, ChunkSize)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
                throw Bad(source, $"truncated payload: {promise}, but it ends at byte {headerLength + filled}.");
            filled += n;
        }
        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) != 0)
        {
            long extra = 1;
            var sink = new byte[ChunkSize];
            int n;
            while ((n = stream.Read(sink)) > 0) extra += n;
            throw Bad(source, $"{extra} unexpected bytes after the last element: {promise}, but it is {headerLength + length + extra} bytes long.");
        }
        return buffer;
    }

    private static IdxFormatException Bad(string source, string problem, Exception? inner = null) => new(source, problem, inner);
}
