using System.Text.Json.Nodes;

namespace BookRenderer;

/// <summary>
/// The scripts the book runs, copied from the npm packages <c>tools/package.json</c> pins (installed by
/// <c>npm ci --prefix tools</c>): KaTeX with its fonts for the math, plotly.js for the charts. Nothing is fetched
/// when the book is read.
/// </summary>
internal static class Vendor
{
    public static void CopyInto(string vendorDirectory, string assetsDirectory)
    {
        string katex = Package(vendorDirectory, "katex", _ => null);
        string plotly = Package(vendorDirectory, "plotly.js-dist-min", version => version.StartsWith("1.", StringComparison.Ordinal) ? null
            : $"plotly.js-dist-min is {version}, but the charts need a 1.x build: XPlot.Plotly 4.1.0 writes string titles, which plotly.js 2 and later drop. tools/package.json pins 1.58.5; run npm ci --prefix tools.");
        var dist = Path.Combine(katex, "dist");
        var target = Path.Combine(assetsDirectory, "katex");
        Directory.CreateDirectory(Path.Combine(target, "fonts"));
        foreach (var file in new[] { "katex.min.js", "katex.min.css" })
            File.Copy(Path.Combine(dist, file), Path.Combine(target, file), overwrite: true);
        foreach (var font in Directory.GetFiles(Path.Combine(dist, "fonts")))
            File.Copy(font, Path.Combine(target, "fonts", Path.GetFileName(font)), overwrite: true);
        File.Copy(Path.Combine(plotly, "plotly.min.js"), Path.Combine(assetsDirectory, "plotly.min.js"), overwrite: true);
    }

    /// <summary>The package's folder, after checking it is installed and its version is one the book works with.</summary>
    private static string Package(string vendorDirectory, string name, Func<string, string?> problemWithVersion)
    {
        var folder = Path.Combine(vendorDirectory, name);
        var manifest = Path.Combine(folder, "package.json");
        if (!File.Exists(manifest))
            throw new BookException($"The npm package {name} is not installed in {vendorDirectory}. Install the book's scripts once with: npm ci --prefix tools");
        string version = JsonNode.Parse(File.ReadAllText(manifest))?["version"]?.GetValue<string>() ?? "?";
        if (problemWithVersion(version) is { } problem) throw new BookException(problem);
        return folder;
    }
}
