using System.Text.RegularExpressions;

namespace NotebookRunner.Worker;

/// <summary>A package asked for with <c>#r "nuget: Name, Version"</c>; a null version means the newest stable one.</summary>
internal sealed record PackageRequest(string Name, string? Version)
{
    public override string ToString() => Version is null ? Name : $"{Name} {Version}";
}

/// <summary>
/// The one magic Roslyn scripting does not know: <c>#r "nuget: ..."</c>. (<c>#r "file.dll"</c> and
/// <c>#load "file.csx"</c> are Roslyn's own directives, resolved against the notebook's folder.)
/// </summary>
internal static partial class Magics
{
    /// <summary>
    /// Takes the <c>#r "nuget:"</c> lines out of a cell, leaving each as an empty line so compiler line numbers
    /// still match the cell, and returns the packages with the line each was asked for on.
    /// </summary>
    public static (string Code, IReadOnlyList<(PackageRequest Package, int Line)> Packages) ExtractNuGet(string source)
    {
        var lines = source.Split('\n');
        var packages = new List<(PackageRequest, int)>();
        for (int i = 0; i < lines.Length; i++)
        {
            var match = NuGetReference().Match(lines[i]);
            if (!match.Success) continue;
            var version = match.Groups["version"].Success ? match.Groups["version"].Value.Trim() : null;
            packages.Add((new PackageRequest(match.Groups["name"].Value.Trim(), string.IsNullOrEmpty(version) ? null : version), i + 1));
            lines[i] = lines[i].EndsWith('\r') ? "\r" : "";
        }
        return (string.Join('\n', lines), packages);
    }

    [GeneratedRegex(@"^\s*#r\s+""nuget:\s*(?<name>[^,""]+?)\s*(,\s*(?<version>[^""]*))?""\s*\r?$")]
    private static partial Regex NuGetReference();
}
