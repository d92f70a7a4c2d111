using System.Buffers.Binary;
using System.IO.Compression;

namespace CnnFromScratch.Data;

// Writing IDX files: the header (magic number and sizes), then the big-endian elements.
public static partial class IdxFile
{
    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/>, gzip-compressed when the name ends in ".gz".</summary>
    public static void Write(string path, IdxArray array)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.Create(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
            Write(gzip, array);
        }
        else
        {
            Write(file, array);
        }
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="stream"/>, uncompressed.</summary>
    public static void Write(Stream stream, IdxArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        var header = new byte[4 + 4 * array.Dimensions.Count];
        header[2] = (byte)array.ElementType;
        header[3] = (byte)array.Dimensions.Count;
        for (int d = 0; d < array.Dimensions.Count; d++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), array.Dimensions[d]);
        stream.Write(header);
        stream.Write(Encode(array));
    }
}
