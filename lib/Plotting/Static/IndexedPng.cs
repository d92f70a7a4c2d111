using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace CnnFromScratch.Plotting.Static;

/// <summary>
/// A PNG with a palette of at most 256 colours (colour type 3), a third of the bytes of the RGBA PNG SkiaSharp writes;
/// every chart output must stay small (under 100 KB a cell, several charts to a cell). Heatmaps, bars and text fit
/// 256 colours exactly. Anti-aliased curves in several colours can have more: then the 256 commonest colours form
/// the palette and each rarer one (an edge pixel of a line) is drawn in its nearest palette colour.
/// </summary>
internal static class IndexedPng
{
    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The image as a palette PNG.</summary>
    public static byte[] Encode(SKBitmap bitmap)
    {
        int width = bitmap.Width, height = bitmap.Height;
        var pixels = bitmap.Pixels;   // unpremultiplied colours, row by row
        var (colours, palette) = Palette(pixels);
        var indices = new byte[height * (width + 1)];   // each row starts with its filter byte: 0, none
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                indices[y * (width + 1) + 1 + x] = palette[pixels[y * width + x]];

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bits per index
        header[9] = 3;   // colour type: palette
        Chunk(png, "IHDR", header);
        Chunk(png, "PLTE", colours.SelectMany(c => new[] { c.Red, c.Green, c.Blue }).ToArray());
        if (colours.Any(c => c.Alpha != 255)) Chunk(png, "tRNS", colours.Select(c => c.Alpha).ToArray());
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true)) zlib.Write(indices);
            Chunk(png, "IDAT", compressed.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Each colour of the image and its palette index: the 256 commonest colours, and the nearest of them for the rest.</summary>
    private static (SKColor[] Colours, Dictionary<SKColor, byte> Index) Palette(SKColor[] pixels)
    {
        var counts = new Dictionary<SKColor, int>();
        foreach (var c in pixels) counts[c] = counts.GetValueOrDefault(c) + 1;
        var kept = counts.OrderByDescending(c => c.Value).ThenBy(c => (uint)c.Key).Take(256).Select(c => c.Key).ToArray();
        var palette = new Dictionary<SKColor, byte>(counts.Count);
        for (int i = 0; i < kept.Length; i++) palette[kept[i]] = (byte)i;
        foreach (var c in counts.Keys)
            if (!palette.ContainsKey(c))
                palette[c] = (byte)Enumerable.Range(0, kept.Length).MinBy(i => Distance(c, kept[i]));
        return (kept, palette);
    }

    private static int Distance(SKColor a, SKColor b) =>
        Square(a.Red - b.Red) + Square(a.Green - b.Green) + Square(a.Blue - b.Blue) + Square(a.Alpha - b.Alpha);

    private static int Square(int v) => v * v;

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
