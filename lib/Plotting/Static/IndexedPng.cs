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
    /// <summary>The image as a palette PNG.</summary>
    public static byte[] Encode(SKBitmap bitmap)
    {
        var pixels = bitmap.Pixels;   // unpremultiplied colours, row by row
        var (colours, index) = Palette(pixels);
        var indices = new byte[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) indices[i] = index[pixels[i]];
        return PngWriter.Write(bitmap.Width, bitmap.Height, colourType: 3, indices,
            colours.SelectMany(c => new[] { c.Red, c.Green, c.Blue }).ToArray(),
            colours.Any(c => c.Alpha != 255) ? colours.Select(c => c.Alpha).ToArray() : null);
    }

    /// <summary>Each colour of the image and its palette index: the 256 commonest colours, and the nearest of them for the rest.</summary>
    private static (SKColor[] Colours, Dictionary<SKColor, byte> Index) Palette(SKColor[] pixels)
    {
        var counts = new Dictionary<SKColor, int>();
        foreach (var c in pixels) counts[c] = counts.GetValueOrDefault(c) + 1;
        var kept = counts.OrderByDescending(c => c.Value).ThenBy(c => (uint)c.Key).Take(256).Select(c => c.Key).ToArray();
        var index = new Dictionary<SKColor, byte>(counts.Count);
        for (int i = 0; i < kept.Length; i++) index[kept[i]] = (byte)i;
        foreach (var c in counts.Keys)
            if (!index.ContainsKey(c))
                index[c] = (byte)Enumerable.Range(0, kept.Length).MinBy(i => Distance(c, kept[i]));
        return (kept, index);
    }

    private static int Distance(SKColor a, SKColor b) =>
        Square(a.Red - b.Red) + Square(a.Green - b.Green) + Square(a.Blue - b.Blue) + Square(a.Alpha - b.Alpha);

    private static int Square(int v) => v * v;
}
