using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static NotebookRunner.Tests.ExecutedRun;

namespace NotebookRunner.Tests;

/// <summary>
/// Compares one notebook as the runner executed it with the same notebook executed by the real kernel, cell by
/// cell: the kernel's cells succeed (a <c>raises-exception</c> cell must fail), and what each cell printed (stdout and
/// stderr, the ✅/⏳ lines included) is the same once run-dependent numbers are normalised.
/// </summary>
internal static partial class OutputComparison
{
    private const int Shown = 1500;

    /// <summary>
    /// Durations ("0.3 s", "  95.1 ms", with their padding), rates ("184,563 images/s") and speed-ups ("×174") differ from
    /// run to run; every other number a chapter prints (losses, accuracies, shapes) is seeded and must match exactly.
    /// </summary>
    public static string Normalise(string text)
    {
        text = text.ReplaceLineEndings("\n");
        text = Duration().Replace(text, " <time>");
        text = Rate().Replace(text, "<rate> ${unit}/s");
        return SpeedUp().Replace(text, "×<ratio>");
    }

    /// <summary>Every way the kernel's copy diverges from the runner's; empty when they agree.</summary>
    public static IEnumerable<string> Divergences(string name, JsonObject runner, JsonObject kernel)
    {
        var runnerCells = runner["cells"]!.AsArray();
        var kernelCells = kernel["cells"]!.AsArray();
        if (runnerCells.Count != kernelCells.Count)
        {
            yield return $"{name}: the runner's copy has {runnerCells.Count} cells, the kernel's {kernelCells.Count}.";
            yield break;
        }
        for (int i = 0; i < runnerCells.Count; i++)
        {
            var (ours, theirs) = (runnerCells[i]!.AsObject(), kernelCells[i]!.AsObject());
            if (ours["cell_type"]!.GetValue<string>() != "code") continue;
            var where = $"{name} cell {i + 1}";
            var errors = Outputs(theirs).Where(o => o["output_type"]!.GetValue<string>() == "error").ToList();
            bool mustRaise = (ours["metadata"]?["tags"] as JsonArray ?? []).Any(t => t?.GetValue<string>() == "raises-exception");
            if (mustRaise && errors.Count == 0)
                yield return $"{where} is tagged raises-exception but did not raise in the kernel.";
            if (!mustRaise && errors.Count > 0)
                yield return $"{where} failed in the kernel: {Describe(errors[0])}";
            foreach (var stream in new[] { "stdout", "stderr" })
            {
                var (expected, actual) = (Normalise(Stream(ours, stream)), Normalise(Stream(theirs, stream)));
                if (expected != actual)
                    yield return $"{where}: {stream} differs.{FirstDifference(expected, actual)}\n" +
                                 $"--- the runner printed:\n{Clip(expected)}\n--- the kernel printed:\n{Clip(actual)}";
            }
        }
    }

    private static string Stream(JsonObject cell, string name) =>
        string.Concat(Outputs(cell)
            .Where(o => o["output_type"]!.GetValue<string>() == "stream" && o["name"]?.GetValue<string>() == name)
            .Select(o => Text(o["text"])));

    private static string Describe(JsonObject error) =>
        $"{error["ename"]?.GetValue<string>()}: {Clip(error["evalue"]?.GetValue<string>() ?? "")}";

    private static string FirstDifference(string expected, string actual)
    {
        var (a, b) = (expected.Split('\n'), actual.Split('\n'));
        for (int line = 0; line < Math.Max(a.Length, b.Length); line++)
        {
            var (x, y) = (line < a.Length ? a[line] : "(nothing)", line < b.Length ? b[line] : "(nothing)");
            if (x != y) return $" First difference, line {line + 1}:\n  runner: {x}\n  kernel: {y}";
        }
        return "";
    }

    private static string Clip(string text) => text.Length <= Shown ? text : text[..Shown] + $"… ({text.Length - Shown} more characters)";

    [GeneratedRegex(@"[ \t]*\d[\d,.]*[ \t]?(?:ms|µs|ns|s|min)\b")]
    private static partial Regex Duration();

    [GeneratedRegex(@"\d[\d,.]*[ \t]?(?<unit>[A-Za-z]+)/s\b")]
    private static partial Regex Rate();

    // "×174" after a space or "(": a speed-up. A shape ("8000×28×28") has a digit before its "×".
    [GeneratedRegex(@"(?<=[\s(])×\d[\d,.]*")]
    private static partial Regex SpeedUp();
}
