namespace NotebookRunner;

/// <summary>Which exercise cells run: the stubs as committed, the solutions, or both one after the other.</summary>
internal enum ExerciseMode { Stubs, Solutions, Both }

/// <summary>The command line, parsed.</summary>
internal sealed record RunnerOptions(
    IReadOnlyList<string> Paths, ExerciseMode Mode, string OutputDirectory, TimeSpan CellTimeout)
{
    public const string WorkerFlag = "--worker";
    public const string DefaultOutput = "artifacts/notebooks";
    public const string DefaultNotebooks = "notebooks";
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaxCellTimeout = TimeSpan.FromDays(1);

    public const string Usage = """
        Runs Polyglot (.NET Interactive) C# notebooks headlessly in the real C# kernel and saves the executed copies.

        Usage: dotnet run --project tools/NotebookRunner -- [PATH...] [options]

          PATH                  notebook files or folders (searched recursively); default: notebooks/
          --solutions           run with the exercise solutions filled in (notebooks/solutions/<name>.csx)
          --both                run every notebook twice: as committed, then with solutions
          --out DIR             where executed notebooks and summary.json go; default: artifacts/notebooks
                                (the --solutions run writes to DIR/solutions)
          --cell-timeout SEC    stop a cell that runs longer than this (at most 86400); default: 600
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
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--solutions": mode = mode == ExerciseMode.Both ? mode : ExerciseMode.Solutions; break;
                case "--both": mode = ExerciseMode.Both; break;
                case "--out": output = Value(ref i); break;
                case "--cell-timeout":
                    var text = Value(ref i);
                    if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                        || !double.IsFinite(seconds) || seconds <= 0 || seconds > MaxCellTimeout.TotalSeconds)
                        throw new UsageException($"--cell-timeout takes a number of seconds above 0 and at most {MaxCellTimeout.TotalSeconds:0} (one day), not \"{text}\".");
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
        var outputDirectory = Path.GetFullPath(output);
        if (File.Exists(outputDirectory))
            throw new UsageException($"--out {output} is a file; name a folder (it is created if it does not exist).");
        return new RunnerOptions(paths, mode, outputDirectory, timeout);

        string Value(ref int i) =>
            i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value.");
    }
}

/// <summary>The command line is wrong; the message says how.</summary>
internal sealed class UsageException(string message) : Exception(message);
