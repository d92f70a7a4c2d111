namespace NotebookRunner;

/// <summary>Which exercise cells run: the stubs as committed, the solutions, or both one after the other.</summary>
internal enum ExerciseMode { Stubs, Solutions, Both }

/// <summary>The command line, parsed.</summary>
internal sealed record RunnerOptions(
    IReadOnlyList<string> Paths, ExerciseMode Mode, string OutputDirectory, TimeSpan CellTimeout, string? NuGetCache)
{
    public const string WorkerFlag = "--worker";
    public const string DefaultOutput = "artifacts/notebooks";
    public const string DefaultNotebooks = "notebooks";
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromMinutes(10);

    public const string Usage = """
        Runs Polyglot (.NET Interactive) C# notebooks headlessly and saves the executed copies.

        Usage: dotnet run --project tools/NotebookRunner -- [PATH...] [options]

          PATH                  notebook files or folders (searched recursively); default: notebooks/
          --solutions           run with the exercise solutions filled in (notebooks/solutions/<name>.csx)
          --both                run every notebook twice: as committed, then with solutions
          --out DIR             where executed notebooks and summary.json go; default: artifacts/notebooks
                                (the --solutions run writes to DIR/solutions)
          --cell-timeout SEC    stop a cell that runs longer than this; default: 600
          --nuget-cache DIR     where #r "nuget:" packages are built; default: artifacts/nuget-cache beside nuget.config
          -h, --help            show this help

        Exit code: 0 when every cell of every notebook succeeded, 1 when any failed, 2 for a bad command line.
        """;

    /// <summary>Parses the arguments; throws <see cref="UsageException"/> naming what was wrong.</summary>
    public static RunnerOptions Parse(IReadOnlyList<string> args)
    {
        var paths = new List<string>();
        var mode = ExerciseMode.Stubs;
        string output = DefaultOutput;
        var timeout = DefaultCellTimeout;
        string? cache = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--solutions": mode = mode == ExerciseMode.Both ? mode : ExerciseMode.Solutions; break;
                case "--both": mode = ExerciseMode.Both; break;
                case "--out": output = Value(ref i); break;
                case "--nuget-cache": cache = Path.GetFullPath(Value(ref i)); break;
                case "--cell-timeout":
                    var text = Value(ref i);
                    if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
                        throw new UsageException($"--cell-timeout takes a positive number of seconds, not \"{text}\".");
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                        throw new UsageException($"unknown option {args[i]}.");
                    paths.Add(args[i]);
                    break;
            }
        }
        if (paths.Count == 0)
        {
            if (!Directory.Exists(DefaultNotebooks))
                throw new UsageException($"no notebooks given and there is no {DefaultNotebooks}/ folder here; run from the repository root or name notebooks or folders.");
            paths.Add(DefaultNotebooks);
        }
        return new RunnerOptions(paths, mode, Path.GetFullPath(output), timeout, cache);

        string Value(ref int i) =>
            i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value.");
    }
}

/// <summary>The command line is wrong; the message says how.</summary>
internal sealed class UsageException(string message) : Exception(message);
