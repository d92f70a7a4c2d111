using System.Globalization;

namespace CnnFromScratch.Bench;

/// <summary>
/// What batch norm and dropout cost: plain LeNet-5, LeNet-5 with BatchNorm and LeNet-5 with Dropout side by side in one
/// process. Each round trains each network once on the first <see cref="TrainImages"/> training images and classifies the
/// test set, the three in turn (the order rotates from round to round); a variant's speed counts as a fraction of plain
/// LeNet-5's in the same round, so a machine that speeds up or slows down between rounds (other processes, other virtual
/// machines on the host) moves both sides of each fraction alike. Separate `train` runs minutes apart could not tell a 20 %
/// difference on this machine: plain LeNet-5 alone gave 10,808–24,071 images/s at batch 256 in three such runs.
/// </summary>
internal static class Overhead
{
    /// <summary>Training images per run: 47 batches of 256, long enough to time, short enough that the rounds interleave finely.</summary>
    public const int TrainImages = 12_000;

    private static readonly Network[] Networks = [Network.LeNet5, Network.LeNet5BatchNorm, Network.LeNet5Dropout];

    public static void Print(Dataset data, BenchSettings s)
    {
        var images = data.Train.Take(Math.Min(TrainImages, data.Train.Count));
        var part = data with { Train = images, TrainTargets = images.OneHotLabels() };
        Console.WriteLine($"Overhead: {string.Join(", ", Networks.Select(n => n.Key))}, {s.Repeats} rounds per batch size; each round trains each network " +
                          $"on the first {part.Train.Count:N0} training images ({s.Optimizer}), then classifies the {data.Test.Count:N0} test images.");
        var rows = new List<string>();
        foreach (int batch in s.BatchSizes)
        {
            foreach (Network network in Networks) TrainingRun.WarmUp(part, s with { Network = network }, batch);
            var runs = Networks.Select(_ => new List<RunResult>()).ToArray();
            for (int round = 0; round < s.Repeats; round++)
            {
                for (int k = 0; k < Networks.Length; k++)
                {
                    int which = (round + k) % Networks.Length;
                    runs[which].Add(TrainingRun.Run(part, s with { Network = Networks[which], Epochs = 1 }, batch));
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"batch {batch,3} round {round + 1}  training {Row(runs, round, r => r.TrainImagesPerSecond)}   inference {Row(runs, round, r => r.InferenceImagesPerSecond)}   [load {runs[0][round].LoadBefore}]"));
            }
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {batch} | {Median(runs[0].Select(r => r.TrainImagesPerSecond)):N0} | {Fractions(runs, 1, r => r.TrainImagesPerSecond)} | {Fractions(runs, 2, r => r.TrainImagesPerSecond)} " +
                $"| {Median(runs[0].Select(r => r.InferenceImagesPerSecond)):N0} | {Fractions(runs, 1, r => r.InferenceImagesPerSecond)} | {Fractions(runs, 2, r => r.InferenceImagesPerSecond)} " +
                $"| {string.Join(", ", runs.Select(list => list.Max(r => r.BytesPerBatch ?? 0).ToString("N0", CultureInfo.InvariantCulture)))} |"));
        }
        Console.WriteLine();
        Console.WriteLine($"Load average now {Machine.LoadAverage()}. Each variant as a fraction of plain LeNet-5 in the same round: median (lowest–highest of {s.Repeats} rounds).");
        Console.WriteLine("B/batch: the most managed bytes any round allocated per training batch, plain, batch norm, dropout (target 0).");
        Console.WriteLine();
        Console.WriteLine("| batch | lenet5 training img/s (median) | with BatchNorm | with Dropout | lenet5 inference img/s (median) | with BatchNorm | with Dropout | B/batch |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string row in rows) Console.WriteLine(row);
    }

    // "34,503 | BN 28,190 (82 %) | dropout 33,011 (96 %)" for one round.
    private static string Row(List<RunResult>[] runs, int round, Func<RunResult, double> speed)
    {
        double plain = speed(runs[0][round]);
        return string.Create(CultureInfo.InvariantCulture,
            $"{plain,8:N0} | BN {speed(runs[1][round]),8:N0} ({speed(runs[1][round]) / plain,4:P0}) | dropout {speed(runs[2][round]),8:N0} ({speed(runs[2][round]) / plain,4:P0})");
    }

    // The per-round fractions of variant k against plain: "82 % (76–88 %)".
    private static string Fractions(List<RunResult>[] runs, int k, Func<RunResult, double> speed)
    {
        double[] f = runs[k].Zip(runs[0], (v, p) => speed(v) / speed(p)).ToArray();
        return string.Create(CultureInfo.InvariantCulture, $"{100 * Median(f):F0} % ({100 * f.Min():F0}–{100 * f.Max():F0} %)");
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
