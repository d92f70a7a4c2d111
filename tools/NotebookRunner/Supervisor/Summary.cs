using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookRunner.Notebooks;

namespace NotebookRunner.Supervisor;

/// <summary>summary.json (for machines) and the closing table (for people) of one mode's run.</summary>
internal static class Summary
{
    public static void Write(string path, string mode, IReadOnlyList<NotebookResult> results)
    {
        var json = new JsonObject
        {
            ["mode"] = mode,
            ["passed"] = results.All(r => r.Passed),
            ["seconds"] = Math.Round(results.Sum(r => r.Seconds), 2),
            ["notebooks"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
            {
                ["notebook"] = r.Notebook,
                ["output"] = r.Output is null ? null : Path.GetRelativePath(Path.GetDirectoryName(path)!, r.Output),
                ["passed"] = r.Passed,
                ["cells"] = r.Cells,
                ["cellsToRun"] = r.CellsToRun,
                ["cellsExecuted"] = r.CellsExecuted,
                ["failures"] = new JsonArray(r.Failures.Select(f => (JsonNode)new JsonObject
                {
                    ["cell"] = f.Cell,
                    ["line"] = f.Line,
                    ["column"] = f.Column,
                    ["message"] = f.Message,
                }).ToArray()),
                ["seconds"] = Math.Round(r.Seconds, 2),
            }).ToArray()),
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    public static void PrintTable(TextWriter output, string mode, IReadOnlyList<NotebookResult> results)
    {
        int width = Math.Max("notebook".Length, results.Select(r => r.Notebook.Length).DefaultIfEmpty(0).Max());
        output.WriteLine();
        output.WriteLine($"{"notebook".PadRight(width)}  {"mode",-9}  {"cells",5}  {"run",5}  {"failed",6}  {"seconds",7}");
        foreach (var r in results)
            output.WriteLine($"{r.Notebook.PadRight(width)}  {mode,-9}  {r.Cells,5}  {r.CellsExecuted,5}  {r.Failures.Count,6}  {r.Seconds,7:0.0}");
        int failed = results.Count(r => !r.Passed);
        output.WriteLine($"{results.Count} notebook{(results.Count == 1 ? "" : "s")} ({mode}): {results.Count - failed} passed, {failed} failed");
        foreach (var r in results.Where(r => !r.Passed))
            foreach (var f in r.Failures)
                output.WriteLine($"  ✗ {r.Notebook}{(f.Cell is int c ? $" cell {c}" : "")}: {NotebookRun.Describe(f)}");
    }
}
