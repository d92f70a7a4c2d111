using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using ScottPlot;

namespace CnnFromScratch.Plotting.Static;

/// <summary>Plotly's colours (CSS strings) and colour scales, as ScottPlot colours and colormaps.</summary>
internal static class PlotlyColors
{
    /// <summary>plotly.js's default trace colours, in order; the static image uses the same ones as the interactive chart.</summary>
    public static readonly Color[] Colorway = new ScottPlot.Palettes.Category10().Colors;

    private static readonly Dictionary<string, Color> Named = typeof(Colors)
        .GetProperties(BindingFlags.Public | BindingFlags.Static)
        .Where(p => p.PropertyType == typeof(Color))
        .ToDictionary(p => p.Name, p => (Color)p.GetValue(null)!, StringComparer.OrdinalIgnoreCase);

    /// <summary>plotly.js's default colour scale (RdBu), used by a heatmap that names none.</summary>
    private static readonly (double, Color)[] RdBu = Stops(
        (0, "rgb(5,10,172)"), (0.35, "rgb(106,137,247)"), (0.5, "rgb(190,190,190)"),
        (0.6, "rgb(220,170,132)"), (0.7, "rgb(230,145,90)"), (1, "rgb(178,10,28)"));

    private static readonly Dictionary<string, (double, Color)[]> NamedScales = new(StringComparer.OrdinalIgnoreCase)
    {
        ["RdBu"] = RdBu,
        ["Greys"] = Stops((0, "rgb(0,0,0)"), (1, "rgb(255,255,255)")),
        ["Blues"] = Stops((0, "rgb(5,10,172)"), (0.35, "rgb(40,60,190)"), (0.5, "rgb(70,100,245)"), (0.6, "rgb(90,120,245)"), (0.7, "rgb(106,137,247)"), (1, "rgb(220,220,220)")),
        ["Hot"] = Stops((0, "rgb(0,0,0)"), (0.3, "rgb(230,0,0)"), (0.6, "rgb(255,210,0)"), (1, "rgb(255,255,255)")),
        ["Viridis"] = Stops((0, "#440154"), (0.25, "#3b528b"), (0.5, "#21918c"), (0.75, "#5ec962"), (1, "#fde725")),
    };

    /// <summary>A CSS colour as plotly accepts it: <c>#rgb</c>, <c>#rrggbb</c>, <c>rgb(…)</c>, <c>rgba(…)</c> or a name.</summary>
    public static Color Parse(string css)
    {
        var s = css.Trim();
        if (s.StartsWith('#'))
        {
            var hex = s.Length == 4 ? string.Concat(s[1..].Select(c => $"{c}{c}")) : s[1..];
            return Color.FromHex(hex);
        }
        if (s.StartsWith("rgb", StringComparison.OrdinalIgnoreCase))
        {
            var parts = s[(s.IndexOf('(') + 1)..s.IndexOf(')')].Split(',')
                .Select(p => double.Parse(p.Trim(), CultureInfo.InvariantCulture)).ToArray();
            byte alpha = parts.Length > 3 ? (byte)Math.Round(255 * parts[3]) : (byte)255;
            return new Color((byte)parts[0], (byte)parts[1], (byte)parts[2], alpha);
        }
        if (Named.TryGetValue(s, out var named)) return named;
        throw new FormatException($"'{css}' is not a colour plotly accepts: use #rrggbb, rgb(r, g, b) or a CSS colour name.");
    }

    /// <summary>The colour in <paramref name="node"/> (a string), or <paramref name="fallback"/> when there is none.</summary>
    public static Color ParseOr(JsonNode? node, Color fallback) =>
        node is JsonValue v && v.TryGetValue(out string? css) ? Parse(css) : fallback;

    /// <summary>A colour scale given as <c>[[0, "rgb(…)"], …, [1, "…"]]</c> or by name; plotly's default when absent.</summary>
    public static IColormap Colormap(JsonNode? scale)
    {
        if (scale is JsonArray stops)
            return new Scale(stops.Select(s => (s![0]!.GetValue<double>(), Parse(s[1]!.GetValue<string>()))).ToArray());
        if (scale is JsonValue v && v.TryGetValue(out string? name))
            return new Scale(NamedScales.TryGetValue(name, out var named) ? named
                : throw new NotSupportedException($"The colour scale '{name}' has no static rendering; use one of {string.Join(", ", NamedScales.Keys)} or give the stops."));
        return new Scale(RdBu);
    }

    private static (double, Color)[] Stops(params (double At, string Css)[] stops) => stops.Select(s => (s.At, Parse(s.Css))).ToArray();

    /// <summary>
    /// Linear interpolation between the stops, as plotly draws a colour scale, in 100 steps: a step of 1 % cannot be
    /// seen, and a scale of at most 101 colours leaves the image few enough for a palette PNG (<see cref="IndexedPng"/>).
    /// </summary>
    private sealed class Scale((double At, Color Color)[] stops) : IColormap
    {
        private const int Steps = 100;

        public string Name => "plotly colour scale";

        public Color GetColor(double position)
        {
            if (double.IsNaN(position)) return Colors.Transparent;
            position = Math.Round(Math.Clamp(position, 0, 1) * Steps) / Steps;
            position = Math.Clamp(position, stops[0].At, stops[^1].At);
            for (int i = 1; i < stops.Length; i++)
                if (position <= stops[i].At)
                {
                    var (a, b) = (stops[i - 1], stops[i]);
                    double t = b.At > a.At ? (position - a.At) / (b.At - a.At) : 0;
                    return a.Color.InterpolateRgb(b.Color, t);
                }
            return stops[^1].Color;
        }
    }
}
