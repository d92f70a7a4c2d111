using System.Diagnostics;
using System.Globalization;
using CnnFromScratch.Data;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Bench;

/// <summary>
/// What batch norm and dropout cost: plain LeNet-5, LeNet-5 with BatchNorm and LeNet-5 with Dropout side by side in one
/// process, in turns of <see cref="TurnBatches"/> batches. Each round trains the three networks on the first
/// <see cref="TrainImages"/> training images, one turn of each at a time (the order rotates from turn to turn), then
/// classifies the test set the same way. A turn lasts 10–80 ms, so when the machine speeds up or slows down (other
/// processes, other virtual machines on the host) all three networks see it alike. Separate `train` runs minutes apart could
/// not tell a 20 % difference here: plain LeNet-5 alone gave 10,808–24,071 images/s at batch 256 in three such runs, and
/// whole runs taken in turns, half a second each, still spread over 69–96 % for batch norm in one series.
/// </summary>
internal static class Overhead
{
    /// <summary>Training images per round and network.</summary>
    public const int TrainImages = 12_000;

    /// <summary>Batches per turn: a turn is one <see cref="Trainer.Fit"/> (or <see cref="Sequential.Predict"/>) on that many images.</summary>
    public const int TurnBatches = 8;

    private static readonly Network[] Networks = [Network.LeNet5, Network.LeNet5BatchNorm, Network.LeNet5Dropout];

    public static void Print(Dataset data, BenchSettings s)
    {
        Console.WriteLine($"Overhead: {string.Join(", ", Networks.Select(n => n.Key))} in turns of {TurnBatches} batches, {s.Repeats} rounds per batch size; " +
                          $"a round trains each network on the first {Math.Min(TrainImages, data.Train.Count):N0} training images ({s.Optimizer}), " +
                          $"then classifies the {data.Test.Count:N0} test images. `train` reports the bytes each allocates per batch.");
        var rows = new List<string>();
        foreach (int batch in s.BatchSizes)
        {
            foreach (Network network in Networks) TrainingRun.WarmUp(data, s with { Network = network }, batch);
            int trainImages = Math.Min(TrainImages, data.Train.Count);
            LabeledImages[] train = Turns(data.Train, trainImages, batch), test = Turns(data.Test, data.Test.Count, batch);
            Tensor[] targets = train.Select(t => t.OneHotLabels()).ToArray();
            var models = Networks.Select(n => n.Create(s.Seed)).ToArray();
            var optimizers = Networks.Select(n => TrainingRun.Optimizer(s with { Network = n })).ToArray();
            var options = new TrainingOptions { Epochs = 1, BatchSize = batch, Seed = s.Seed };
            var trainSeconds = new List<double[]>();
            var testSeconds = new List<double[]>();
            for (int round = 0; round < s.Repeats; round++)
            {
                string load = Machine.LoadAverage();
                trainSeconds.Add(InTurns(train.Length, k => Trainer.Fit(models[k.Network], new SoftmaxCrossEntropy(), optimizers[k.Network], train[k.Turn].Images, targets[k.Turn], options)));
                testSeconds.Add(InTurns(test.Length, k => models[k.Network].Predict(test[k.Turn].Images, batch)));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"batch {batch,3} round {round + 1}  training {Speeds(trainSeconds[^1], trainImages)}   inference {Speeds(testSeconds[^1], data.Test.Count)}   [load {load}]"));
            }
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {batch} | {Median(trainSeconds.Select(t => trainImages / t[0])):N0} | {Fractions(trainSeconds, 1)} | {Fractions(trainSeconds, 2)} " +
                $"| {Median(testSeconds.Select(t => data.Test.Count / t[0])):N0} | {Fractions(testSeconds, 1)} | {Fractions(testSeconds, 2)} |"));
        }
        Console.WriteLine();
        Console.WriteLine($"Load average now {Machine.LoadAverage()}. Each variant's speed as a fraction of plain LeNet-5's in the same round: median (lowest–highest of {s.Repeats} rounds).");
        Console.WriteLine();
        Console.WriteLine("| batch | lenet5 training img/s (median) | with BatchNorm | with Dropout | lenet5 inference img/s (median) | with BatchNorm | with Dropout |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string row in rows) Console.WriteLine(row);
    }

    // The first `count` images in slices of TurnBatches batches (copies, made before any timing).
    private static LabeledImages[] Turns(LabeledImages images, int count, int batch)
    {
        int size = TurnBatches * batch;
        return Enumerable.Range(0, (count + size - 1) / size)
            .Select(t => images.Subset(Enumerable.Range(t * size, Math.Min(size, count - t * size)).ToArray()))
            .ToArray();
    }

    // Runs every turn for every network, the networks in a rotating order; the seconds each network spent in all.
    private static double[] InTurns(int turns, Action<(int Network, int Turn)> run)
    {
        var seconds = new double[Networks.Length];
        for (int turn = 0; turn < turns; turn++)
            for (int i = 0; i < Networks.Length; i++)
            {
                int k = (turn + i) % Networks.Length;
                long start = Stopwatch.GetTimestamp();
                run((k, turn));
                seconds[k] += Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
        return seconds;
    }

    // "34,503 | BN 28,190 (82 %) | dropout 33,011 (96 %)": images/s of one round.
    private static string Speeds(double[] seconds, int images) => string.Create(CultureInfo.InvariantCulture,
        $"{images / seconds[0],8:N0} | BN {images / seconds[1],8:N0} ({seconds[0] / seconds[1],4:P0}) | dropout {images / seconds[2],8:N0} ({seconds[0] / seconds[2],4:P0})");

    // Network k's speed as a fraction of plain's, per round: "82 % (76–88 %)".
    private static string Fractions(List<double[]> rounds, int k)
    {
        double[] f = rounds.Select(t => t[0] / t[k]).ToArray();
        return string.Create(CultureInfo.InvariantCulture, $"{100 * Median(f):F0} % ({100 * f.Min():F0}–{100 * f.Max():F0} %)");
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
