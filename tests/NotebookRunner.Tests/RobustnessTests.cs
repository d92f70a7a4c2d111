using System.Text.Json.Nodes;

namespace NotebookRunner.Tests;

/// <summary>Bad options and bad notebooks get one clear line and the right exit code, never a stack trace.</summary>
public sealed class RobustnessTests
{
    [Theory]
    [InlineData("1e20")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("ten")]
    public void A_cell_timeout_that_is_not_a_sane_number_of_seconds_is_a_usage_error(string value)
    {
        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, "--cell-timeout", value, "--out", RunnerProcess.NewOutputFolder("timeout-option"));
        Assert.True(result.ExitCode == 2, result.Log);
        Assert.Contains($"--cell-timeout takes a number of seconds above 0 and at most 86400 (one day), not \"{value}\"", result.Stderr);
        AssertNoStackTrace(result);
    }

    [Fact]
    public void An_out_path_that_is_a_file_is_a_usage_error()
    {
        var file = Path.Combine(RunnerProcess.NewOutputFolder("out-file"), "summary.txt");
        File.WriteAllText(file, "");
        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, "--out", file);
        Assert.True(result.ExitCode == 2, result.Log);
        Assert.Contains("is a file; name a folder", result.Stderr);
        AssertNoStackTrace(result);
    }

    [Fact]
    public void A_folder_without_notebooks_is_a_usage_error_not_a_pass()
    {
        var empty = RunnerProcess.NewOutputFolder("empty");
        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, empty, "--out", RunnerProcess.NewOutputFolder("empty-out"));
        Assert.True(result.ExitCode == 2, result.Log);
        Assert.Contains("holds no .ipynb notebook", result.Stderr);
    }

    [Fact]
    public void A_second_run_into_the_same_output_folder_is_refused_while_the_first_holds_it()
    {
        var output = RunnerProcess.NewOutputFolder("locked");
        // The first run's lock, as the runner holds it: an open file no one else may open.
        using var held = new FileStream(Path.Combine(output, ".notebook-runner.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, Path.Combine(RunnerProcess.Fixtures, "bad", "invalid-json.ipynb"), "--out", output);
        Assert.True(result.ExitCode == 2, result.Log);
        Assert.Contains("another run", result.Stderr);
        Assert.Contains("give this run its own --out folder", result.Stderr);
        Assert.False(File.Exists(Path.Combine(output, "summary.json")));
    }

    /// <summary>
    /// A few hundred mutations of one small notebook: every value replaced by values of other JSON types, every key
    /// removed, plus broken documents. Its one code cell is F#, which the runner skips, so no mutant starts a kernel.
    /// In both modes each must end as a failed notebook with a clear reason (exit 1), the others still run, summary.json is
    /// written whole, and nothing crashes.
    /// </summary>
    [Fact]
    public void Hundreds_of_mutated_notebooks_each_get_a_clear_failure_and_none_crashes_the_run()
    {
        const string seed = """
            {"cells": [
              {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["# title\n"]},
              {"cell_type": "code", "id": "c", "execution_count": null, "outputs": [],
               "metadata": {"tags": ["exercise:x", "raises-exception"], "polyglot_notebook": {"kernelName": "fsharp"}},
               "source": ["printfn \"hi\"\n", "1 + 1"]}],
             "metadata": {"kernelspec": {"name": ".net-fsharp", "language": "F#"},
                          "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "fsharp"}}},
             "nbformat": 4, "nbformat_minor": 5}
            """;
        var folder = RunnerProcess.NewOutputFolder("fuzz");
        var mutants = Mutants(JsonNode.Parse(seed)!).Concat(["", "{", "[]", "null", "42", "{\"cells\": []}", seed[..(seed.Length / 2)]]).ToList();
        for (int i = 0; i < mutants.Count; i++) File.WriteAllText(Path.Combine(folder, $"mutant-{i:000}.ipynb"), mutants[i]);
        Assert.True(mutants.Count >= 200, $"only {mutants.Count} mutants");

        var output = RunnerProcess.NewOutputFolder("fuzz-out");
        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, folder, "--both", "--out", output);

        Assert.True(result.ExitCode == 1, result.Log);
        AssertNoStackTrace(result);
        var summaries = new ExecutedRun(output).Summary["notebooks"]!.AsArray()
            .Concat(new ExecutedRun(Path.Combine(output, "solutions")).Summary["notebooks"]!.AsArray()).ToList();
        Assert.Equal(2 * mutants.Count, summaries.Count);
        foreach (var notebook in summaries)
        {
            var failures = notebook!["failures"]!.AsArray();
            var name = notebook["notebook"]!.GetValue<string>();
            Assert.True(failures.Count > 0, $"{name} passed without running anything");
            var message = failures[0]!["message"]!.GetValue<string>();
            Assert.False(string.IsNullOrWhiteSpace(message), name);
            Assert.DoesNotContain("internal error", message);
        }
        Assert.Empty(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories));
    }

    /// <summary>Each value of the document replaced by each of a few values of other types, and each object key removed.</summary>
    private static IEnumerable<string> Mutants(JsonNode root)
    {
        string[] replacements = ["7", "4.0", "-1", "\"x\"", "null", "true", "[]", "{}", "[1]", "[null]", "{\"a\": 1}"];
        var paths = new List<List<object>>();
        Collect(root, [], paths);
        foreach (var path in paths)
        {
            foreach (var replacement in replacements)
            {
                var copy = root.DeepClone();
                Set(copy, path, JsonNode.Parse(replacement));
                yield return copy.ToJsonString();
            }
            if (path.Count > 0 && path[^1] is string)
            {
                var copy = root.DeepClone();
                Parent(copy, path).AsObject().Remove((string)path[^1]);
                yield return copy.ToJsonString();
            }
        }
    }

    private static void Collect(JsonNode? node, List<object> path, List<List<object>> paths)
    {
        if (path.Count > 0) paths.Add(path);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj) Collect(value, [.. path, key], paths);
                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++) Collect(array[i], [.. path, i], paths);
                break;
        }
    }

    private static JsonNode Parent(JsonNode root, List<object> path)
    {
        var node = root;
        foreach (var step in path[..^1]) node = step is string key ? node[key]! : node[(int)step]!;
        return node;
    }

    private static void Set(JsonNode root, List<object> path, JsonNode? value)
    {
        var parent = Parent(root, path);
        if (path[^1] is string key) parent[key] = value;
        else parent[(int)path[^1]] = value;
    }

    private static void AssertNoStackTrace(RunResult result)
    {
        Assert.DoesNotContain("Unhandled exception", result.Log);
        Assert.DoesNotMatch(@"\n\s+at [\w.]+\(", result.Log);
    }
}
