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
        Assert.Contains("another run is writing to", result.Stderr);
        Assert.Contains("give this run its own --out folder", result.Stderr);
        Assert.False(File.Exists(Path.Combine(output, "summary.json")));
    }

    [Fact]
    public async Task Two_runs_started_together_into_one_output_folder_do_not_both_write_it()
    {
        var output = RunnerProcess.NewOutputFolder("concurrent");
        var notebook = Path.Combine(RunnerProcess.Fixtures, "good", "jupyter-kernelspec.ipynb");
        var runs = Enumerable.Range(0, 2)
            .Select(_ => Task.Run(() => RunnerProcess.Run(RunnerProcess.RepositoryRoot, notebook, "--out", output)))
            .ToArray();
        var results = (await Task.WhenAll(runs)).OrderBy(r => r.ExitCode).ToList();

        // One run holds the folder for the seconds its kernel runs; the other is refused, and says why.
        Assert.True(results[0].ExitCode == 0, results[0].Log);
        Assert.True(results[1].ExitCode == 2, results[1].Log);
        Assert.Contains("another run is writing to", results[1].Stderr);
        var run = new ExecutedRun(output);
        Assert.True(run.Summary["passed"]!.GetValue<bool>());
        NbformatValidator.AssertValid([Path.Combine(output, "jupyter-kernelspec.ipynb")]);
    }

    [Fact]
    public void Saved_notebooks_and_the_summary_replace_the_old_files_instead_of_overwriting_them_in_place()
    {
        // A reader that has the old file open (a viewer polling it) keeps reading the old file whole: a second name
        // for the old file still shows the old text after the run, which writing in place would have changed.
        var output = RunnerProcess.NewOutputFolder("atomic");
        var links = new List<(string File, string Link)>();
        foreach (var name in new[] { "python.ipynb", "summary.json" })
        {
            var file = Path.Combine(output, name);
            File.WriteAllText(file, "old");
            var link = file + ".old";
            Assert.True(ChildProcess.Run("ln", [file, link], output).ExitCode == 0, "could not make a hard link");
            links.Add((file, link));
        }

        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, Path.Combine(RunnerProcess.Fixtures, "bad", "python.ipynb"), "--out", output);

        Assert.True(result.ExitCode == 1, result.Log);
        foreach (var (file, link) in links)
        {
            Assert.Equal("old", File.ReadAllText(link));
            Assert.NotNull(JsonNode.Parse(File.ReadAllText(file)));
        }
        Assert.Empty(Directory.GetFiles(output, "*.tmp"));
    }

    [Fact]
    public void Notebooks_with_a_number_for_a_source_or_a_tag_or_nbformat_4_0_fail_alone_and_the_rest_of_the_run_goes_on()
    {
        var folder = RunnerProcess.NewOutputFolder("wrong-types");
        var good = File.ReadAllText(Path.Combine(RunnerProcess.Fixtures, "good", "jupyter-kernelspec.ipynb"));
        File.Copy(Path.Combine(RunnerProcess.Fixtures, "good", "jupyter-kernelspec.ipynb"), Path.Combine(folder, "d-good.ipynb"));
        var root = JsonNode.Parse(good)!;
        Write("a-source-number.ipynb", n => n["cells"]![0]!["source"] = 42);
        Write("b-tag-number.ipynb", n => n["cells"]![0]!["metadata"]!["tags"] = new JsonArray(7));
        Write("c-nbformat-4-0.ipynb", n => n["nbformat"] = JsonNode.Parse("4.0"));

        var output = RunnerProcess.NewOutputFolder("wrong-types-out");
        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, folder, "--out", output);

        Assert.True(result.ExitCode == 1, result.Log);
        AssertNoStackTrace(result);
        var run = new ExecutedRun(output);
        Assert.Contains("cell 1 has \"source\": 42; it must be a string or a list of strings", Message("a-source-number.ipynb"));
        Assert.Contains("cell 1 has \"metadata.tags\": [7]; it must be a list of strings", Message("b-tag-number.ipynb"));
        Assert.Contains("has \"nbformat\": 4.0; it must be the whole number 4", Message("c-nbformat-4-0.ipynb"));
        Assert.True(run.SummaryOf("d-good.ipynb")["passed"]!.GetValue<bool>(), result.Log);
        Assert.Contains("4 notebooks (default): 1 passed, 3 failed", result.Stdout);

        void Write(string name, Action<JsonNode> mutate)
        {
            var copy = root.DeepClone();
            mutate(copy);
            File.WriteAllText(Path.Combine(folder, name), copy.ToJsonString());
        }

        string Message(string name) => run.SummaryOf(name)["failures"]!.AsArray().Single()!["message"]!.GetValue<string>();
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
