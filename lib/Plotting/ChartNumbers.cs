using System.Globalization;

namespace CnnFromScratch.Plotting;

/// <summary>
/// Numbers as charts send them to the browser: a chart's JSON writes every value in full, so rounding to the digits a
/// colour or a line can show keeps a chart of thousands of values small (saved outputs stay under 100 KB per cell).
/// </summary>
internal static class ChartNumbers
{
    /// <summary><paramref name="value"/> with three significant digits (1.2345e-5 → 1.23e-5); NaN and ±∞ unchanged.</summary>
    public static double Significant3(double value) =>
        double.IsFinite(value) ? double.Parse(value.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;

    /// <summary>The largest |value| of <paramref name="values"/>, or <paramref name="floor"/> if that is smaller (so 0 never divides).</summary>
    public static double MaxAbs(ReadOnlySpan<float> values, double floor = 1e-30)
    {
        double max = floor;
        foreach (float v in values) max = Math.Max(max, Math.Abs(v));
        return max;
    }

    /// <summary>A value for a caption or a legend: 0.0123, 4.56e-05.</summary>
    public static string Format(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
}
