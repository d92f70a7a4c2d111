using System.Buffers.Binary;
using System.IO.Compression;

namespace CnnFromScratch.Plotting.Static;

/// <summary>
/// The PNG container (signature, chunks with their CRC, zlib-compressed rows), for the two kinds of image the charts
/// write themselves: palette images (<see cref="IndexedPng"/>) and 8-bit grey pictures such as a grid of digits.
/// </summary>
internal static class PngWriter
{
    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>An 8-bit grey image, row by row (0 black, 255 white).</summary>
    public static byte[] Grey(byte[] pixels, int width, int height) => Write(width, height, colourType: 0, pixels, palette: null, alpha: null);

    /// <summary>
    /// A PNG of one byte per pixel, <paramref name="pixels"/> row by row: grey levels (colour type 0) or palette
    /// indices (colour type 3, with its <paramref name="palette"/> as RGB triples and, if any is transparent, its alphas).
    /// </summary>
    public static byte[] Write(int width, int height, byte colourType, byte[] pixels, byte[]? palette, byte[]? alpha)
    {
        if (pixels.Length != width * height)
            throw new ArgumentException($"{pixels.Length} pixels for a {width}×{height} image.", nameof(pixels));
        var rows = new byte[height * (width + 1)];   // each row starts with its filter byte: 0, none
        for (int y = 0; y < height; y++) Array.Copy(pixels, y * width, rows, y * (width + 1) + 1, width);
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bits per sample
        header[9] = colourType;
        Chunk(png, "IHDR", header);
        if (palette is not null) Chunk(png, "PLTE", palette);
        if (alpha is not null) Chunk(png, "tRNS", alpha);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true)) zlib.Write(rows);
            Chunk(png, "IDAT", compressed.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in typeBytes.Concat(data)) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc ^ 0xFFFFFFFFu);
        png.Write(word);
    }
}
