using System.Globalization;

namespace CnnFromScratch.Bench;

/// <summary>Every setting of a run; the comparison passes each one to the PyTorch script explicitly, so both sides use the same values.</summary>
internal sealed record BenchSettings
{
    public string Command { get; init; } = "compare";
    public string DataFolder { get; init; } = Data.FashionMnist.DebianFolder;
    public int BatchSize { get; init; } = 32;
    public float LearningRate { get; init; } = 0.01f;
    public int Epochs { get; init; } = 1;
    public int Threads { get; init; } = 2;
    public int Seed { get; init; }
    public int Repeats { get; init; } = 3;
    public string Python { get; init; } = "/usr/bin/python3";
    public bool SkipPyTorch { get; init; }

    public const string Usage = """
        Usage: dotnet run -c Release --project bench -- [command] [options]

        Commands:
          compare   (default) PyTorch, then this library, alternately --repeats times; best of each side, ratios
          train     this library only: one training run (training and inference images/s, accuracy, bytes per batch)
          layers    forward and backward time of every layer of the network, naive versus fast kernels

        Options (the same values go to PyTorch):
          --data DIR        folder with train-/t10k-images-idx3-ubyte(.gz) and -labels-idx1-ubyte(.gz)
                            (default /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist)
          --batch N         mini-batch size (default 32)
          --lr X            SGD learning rate (default 0.01)
          --epochs N        epochs per training run (default 1)
          --threads N       threads for both libraries (default 2)
          --seed N          seed for initial weights and shuffling (default 0)
          --repeats N       alternating runs per side in compare (default 3); the best run of each side counts
          --python PATH     the Python that has torch (default /usr/bin/python3)
          --no-pytorch      compare without running PyTorch
        """;

    public static BenchSettings Parse(string[] args)
    {
        var s = new BenchSettings();
        int i = 0;
        if (args.Length > 0 && !args[0].StartsWith('-')) s = s with { Command = args[i++] };
        if (s.Command is not ("compare" or "train" or "layers" or "help"))
            throw new ArgumentException($"Unknown command '{s.Command}'.");
        for (; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Int(int min)
            {
                string v = Value();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
                    ? n : throw new ArgumentException($"{name} must be an integer ≥ {min}; got '{v}'.");
            }
            s = name switch
            {
                "--data" => s with { DataFolder = Value() },
                "--batch" => s with { BatchSize = Int(1) },
                "--lr" => s with { LearningRate = float.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out float lr) && lr > 0
                    ? lr : throw new ArgumentException($"--lr must be a positive number; got '{args[i]}'.") },
                "--epochs" => s with { Epochs = Int(1) },
                "--threads" => s with { Threads = Int(1) },
                "--seed" => s with { Seed = Int(0) },
                "--repeats" => s with { Repeats = Int(1) },
                "--python" => s with { Python = Value() },
                "--no-pytorch" => s with { SkipPyTorch = true },
                "--help" or "-h" => s with { Command = "help" },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }
        return s;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"batch {BatchSize}, SGD lr {LearningRate}, {Epochs} epoch{(Epochs == 1 ? "" : "s")}, {Threads} thread{(Threads == 1 ? "" : "s")}, seed {Seed}");
}
