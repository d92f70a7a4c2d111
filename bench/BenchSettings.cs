using System.Globalization;

namespace CnnFromScratch.Bench;

/// <summary>Every setting of a run; the comparison passes each one to the PyTorch script explicitly, so both sides use the same values.</summary>
internal sealed record BenchSettings
{
    public string Command { get; init; } = "compare";
    public Network Network { get; init; } = Network.Course;
    public string DataFolder { get; init; } = Data.FashionMnist.DebianFolder;
    public int[]? BatchSizesGiven { get; init; }
    public float LearningRate { get; init; } = 0.01f;
    public float? MomentumGiven { get; init; }
    public int Epochs { get; init; } = 1;
    public int Threads { get; init; } = 2;
    public int Seed { get; init; }
    public int? RepeatsGiven { get; init; }
    public string Python { get; init; } = "/usr/bin/python3";
    public bool SkipPyTorch { get; init; }
    public bool FastOnly { get; init; }
    public int? VectorBits { get; init; }

    /// <summary>The mini-batch sizes, each measured in turn: --batch, else the network's default.</summary>
    public int[] BatchSizes => BatchSizesGiven ?? Network.DefaultBatchSizes;

    /// <summary>Alternating runs per side (compare) or rounds (overhead): --repeats, else 3 for compare and 7 for overhead.</summary>
    public int Repeats => RepeatsGiven ?? (Command == "overhead" ? 7 : 3);

    /// <summary>The momentum β of SGD (0: plain SGD): --momentum, else the network's default.</summary>
    public float Momentum => MomentumGiven ?? Network.DefaultMomentum;

    public const string Usage = """
        Usage: dotnet run -c Release --project bench -- [command] [options]

        Commands:
          compare   (default) PyTorch, then this library, alternately --repeats times per batch size; best of each side, ratios
          train     this library only: one training run per batch size (images/s, accuracy, bytes per batch, GFLOP/s)
          layers    forward and backward time of every layer of the network, naive versus fast kernels, GFLOP/s and % of peak
          peak      this machine's FMA peak: vector width, clock, and a measured multiply-add throughput
          overhead  lenet5, lenet5-bn and lenet5-dropout side by side in one process, in turns, --repeats rounds per batch
                    size: what batch norm and dropout cost, as a fraction of plain LeNet-5's speed in the same round

        Options (the same values go to PyTorch):
          --network NAME    course (default): Conv 2@5×5 → ReLU → MaxPool 2 → Dense 288→60 → ReLU → Dense 60→10
                            lenet5: Conv 6@5×5 pad 2 → ReLU → MaxPool 2 → Conv 16@5×5 → ReLU → MaxPool 2 → Dense 400→120→84→10
                            lenet5-bn: lenet5 with BatchNorm after both convolutions and both hidden dense layers
                            lenet5-dropout: lenet5 with Dropout 0.5 before each of the three dense layers
          --data DIR        folder with train-/t10k-images-idx3-ubyte(.gz) and -labels-idx1-ubyte(.gz)
                            (default /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist)
          --batch N[,N…]    mini-batch sizes, each measured in turn (default: course 32; lenet5* 32,64,256)
          --lr X            SGD learning rate (default 0.01)
          --momentum B      SGD momentum β, 0 for plain SGD (default: course 0; lenet5* 0.9)
          --epochs N        epochs per training run (default 1)
          --threads N       threads for both libraries (default 2)
          --seed N          seed for initial weights and shuffling (default 0)
          --repeats N       alternating runs per side and batch size in compare (default 3; the best run of each side counts),
                            or rounds per batch size in overhead (default 7; the median counts)
          --python PATH     the Python that has torch (default /usr/bin/python3)
          --no-pytorch      compare without running PyTorch
          --fast-only       layers: time the fast kernels only (the naive ones take minutes at large batches)
          --vector-bits B   256: run the convolution kernels on 8-float vectors even where AVX-512 would give 16
                            (512, the default where the CPU has AVX-512); both give the same bits
        """;

    public static BenchSettings Parse(string[] args)
    {
        var s = new BenchSettings();
        int i = 0;
        if (args.Length > 0 && !args[0].StartsWith('-')) s = s with { Command = args[i++] };
        if (s.Command is not ("compare" or "train" or "layers" or "peak" or "overhead" or "help"))
            throw new ArgumentException($"Unknown command '{s.Command}'.");
        for (; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Int(string v, int min) =>
                int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
                    ? n : throw new ArgumentException($"{name} must be an integer ≥ {min}; got '{v}'.");
            float Float(float min, float max)
            {
                string v = Value();
                return float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float x) && x >= min && x < max
                    ? x : throw new ArgumentException($"{name} must be a number in [{min}, {max}); got '{v}'.");
            }
            s = name switch
            {
                "--network" => s with { Network = Network.Parse(Value()) },
                "--data" => s with { DataFolder = Value() },
                "--batch" => s with { BatchSizesGiven = Value().Split(',').Select(b => Int(b.Trim(), 1)).ToArray() },
                "--lr" => s with { LearningRate = Float(float.Epsilon, float.PositiveInfinity) },
                "--momentum" => s with { MomentumGiven = Float(0f, 1f) },
                "--epochs" => s with { Epochs = Int(Value(), 1) },
                "--threads" => s with { Threads = Int(Value(), 1) },
                "--seed" => s with { Seed = Int(Value(), 0) },
                "--repeats" => s with { RepeatsGiven = Int(Value(), 1) },
                "--python" => s with { Python = Value() },
                "--no-pytorch" => s with { SkipPyTorch = true },
                "--fast-only" => s with { FastOnly = true },
                "--vector-bits" => s with { VectorBits = Value() switch { "256" => 256, "512" => 512, var v => throw new ArgumentException($"--vector-bits must be 256 or 512; got '{v}'.") } },
                "--help" or "-h" => s with { Command = "help" },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }
        if (s.Command == "overhead")
        {
            if (args.Contains("--network"))
                throw new ArgumentException("overhead always runs lenet5, lenet5-bn and lenet5-dropout; leave out --network.");
            s = s with { Network = Network.LeNet5 };   // its batch sizes and momentum are the defaults
        }
        return s;
    }

    /// <summary>The optimiser in words, as both sides run it.</summary>
    public string Optimizer => Momentum == 0 ? $"SGD lr {LearningRate.ToString(CultureInfo.InvariantCulture)}"
        : $"SGD lr {LearningRate.ToString(CultureInfo.InvariantCulture)} momentum {Momentum.ToString(CultureInfo.InvariantCulture)}";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Network.Key}, batch {string.Join(", ", BatchSizes)}, {Optimizer}, {Epochs} epoch{(Epochs == 1 ? "" : "s")}, {Threads} thread{(Threads == 1 ? "" : "s")}, seed {Seed}");
}
