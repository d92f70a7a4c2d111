using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CnnFromScratch.Plotting.Static;

/// <summary>
/// One plotly axis as the static image places values on it: numbers as they are, categories (strings) at 0, 1, 2 … in
/// order of appearance, and a log axis in decades (log10 of the value), the units plotly's own log-axis ranges use.
/// </summary>
internal sealed class PlotlyAxis
{
    private readonly Dictionary<string, int> _categoryIndex = new(StringComparer.Ordinal);

    public PlotlyAxis(JsonObject? settings)
    {
        Settings = settings ?? new JsonObject();
        string type = Settings["type"] is JsonValue t && t.TryGetValue(out string? s) ? s : "";
        IsLog = type == "log";
        IsCategory = type == "category";
    }

    /// <summary>The layout's object for this axis (<c>xaxis</c>, <c>yaxis</c>, <c>yaxis2</c>), empty when the layout has none.</summary>
    public JsonObject Settings { get; }

    public bool IsLog { get; }

    /// <summary>Categorical: set by the layout, or by the first string value a trace puts on it.</summary>
    public bool IsCategory { get; private set; }

    public IReadOnlyList<string> Categories => _categoryIndex.OrderBy(c => c.Value).Select(c => c.Key).ToList();

    public string Title => PlotlyFigure.TextOf(Settings["title"]);

    public bool Reversed => Settings["autorange"] is JsonValue v && v.TryGetValue(out string? s) && s == "reversed";

    /// <summary>The layout's <c>range</c> (in decades on a log axis), if it gives one.</summary>
    public (double Min, double Max)? Range =>
        Settings["range"] is JsonArray { Count: 2 } r && Number(r[0]) is double a && Number(r[1]) is double b ? (a, b) : null;

    public bool RangeToZero => Settings["rangemode"] is JsonValue v && v.TryGetValue(out string? s) && s == "tozero";

    /// <summary>Notes the categories among <paramref name="values"/>, so that every trace on this axis agrees on their positions.</summary>
    public void Observe(JsonNode? values)
    {
        if (values is not JsonArray array) return;
        foreach (var v in array)
            if (v is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                IsCategory = true;
                _categoryIndex.TryAdd(value.GetValue<string>(), _categoryIndex.Count);
            }
    }

    /// <summary>Where <paramref name="value"/> sits on the axis; NaN for a missing value or a non-positive one on a log axis.</summary>
    public double Map(JsonNode? value)
    {
        if (value is not JsonValue v) return double.NaN;
        if (v.GetValueKind() == JsonValueKind.String)
        {
            string s = v.GetValue<string>();
            if (_categoryIndex.TryGetValue(s, out int index)) return index;
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? Scale(parsed) : double.NaN;
        }
        return Number(v) is double d ? Scale(d) : double.NaN;
    }

    /// <summary>The positions of a trace's values, or 0, 1, 2 … when the trace gives none (as plotly does).</summary>
    public double[] MapAll(JsonNode? values, int countIfMissing) =>
        values is JsonArray array ? array.Select(Map).ToArray() : Enumerable.Range(0, countIfMissing).Select(i => (double)i).ToArray();

    private double Scale(double d) => IsLog ? (d > 0 ? Math.Log10(d) : double.NaN) : d;

    public static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    /// <summary>A tick label of a log axis at decade <paramref name="exponent"/>: 0.01 … 100000 written out, 1e6 beyond.</summary>
    public static string DecadeLabel(double exponent)
    {
        if (Math.Abs(exponent - Math.Round(exponent)) > 1e-9) return "";
        int e = (int)Math.Round(exponent);
        return e is >= -2 and <= 5 ? Math.Pow(10, e).ToString("0.##", CultureInfo.InvariantCulture) : $"1e{e}";
    }
}
