using System.Globalization;

namespace CnnFromScratch.Bench;

/// <summary>Prints runs and the side-by-side table.</summary>
internal static class Report
{
    public static void Ours(RunResult r)
    {
        Console.WriteLine();
        Console.WriteLine($"Load average before the run: {r.LoadBefore}");
        Console.WriteLine($"Training:   {r.TrainImagesPerSecond,10:N0} images/s ({r.TrainSeconds:F2} s)");
        Console.WriteLine($"Inference:  {r.InferenceImagesPerSecond,10:N0} images/s");
        Console.WriteLine($"Accuracy:   {r.TestAccuracy,10:P2} on the test set");
        Console.WriteLine($"Allocated:  {r.BytesPerBatch,10:N1} bytes per training batch in the steady state ({r.Collections} gen-0 collections during training)");
        Console.WriteLine($"Load average after the run: {Machine.LoadAverage()}");
    }

    public static void Line(int repeat, RunResult r) => Console.WriteLine(
        $"run {repeat}  {r.Framework,-22} train {r.TrainImagesPerSecond,9:N0} images/s ({r.TrainSeconds,6:F2} s)   " +
        $"inference {r.InferenceImagesPerSecond,9:N0} images/s   accuracy {r.TestAccuracy:P2}" +
        (r.BytesPerBatch is double b ? $"   {b:N0} B/batch" : "") + $"   [load {r.LoadBefore}]");

    public static void Comparison(IReadOnlyList<RunResult> pytorch, IReadOnlyList<RunResult> ours, BenchSettings s, string loadAfter)
    {
        RunResult bestOurs = Best(ours);
        RunResult? bestTorch = pytorch.Count > 0 ? Best(pytorch) : null;
        Console.WriteLine();
        Console.WriteLine($"Best of {s.Repeats} run{(s.Repeats == 1 ? "" : "s")} per side ({s}); load average now {loadAfter}:");
        Console.WriteLine();
        string torchName = bestTorch?.Framework ?? "PyTorch";
        Console.WriteLine($"| {"",-34} | {torchName,18} | {"this library",18} | {"ratio",7} | {"target",8} |");
        Console.WriteLine($"|{new string('-', 36)}|{new string('-', 20)}|{new string('-', 20)}|{new string('-', 9)}|{new string('-', 10)}|");
        Row("training images/s", bestTorch?.TrainImagesPerSecond, bestOurs.TrainImagesPerSecond, "N0", true, "≥ 3×");
        Row("inference images/s", bestTorch?.InferenceImagesPerSecond, bestOurs.InferenceImagesPerSecond, "N0", true, "≥ 3×");
        Row("test accuracy after training (%)", bestTorch?.TestAccuracy * 100, bestOurs.TestAccuracy * 100, "F2", false, "≥ −1 pt");
        Row("managed bytes per training batch", null, bestOurs.BytesPerBatch ?? double.NaN, "N0", false, "0");
        Console.WriteLine();
        if (bestTorch is null) Console.WriteLine("(PyTorch was not run, so there are no ratios.)");
        else
        {
            Console.WriteLine("Ratio = this library ÷ PyTorch (for accuracy: the difference in percentage points).");
            Console.WriteLine("Throughput is the best run of each side; accuracy is from that run. Both sides train from their own random initial weights.");
        }
    }

    private static RunResult Best(IReadOnlyList<RunResult> runs) => runs.MaxBy(r => r.TrainImagesPerSecond)! with
    {
        InferenceImagesPerSecond = runs.Max(r => r.InferenceImagesPerSecond),
    };

    private static void Row(string name, double? torch, double ours, string format, bool ratio, string target)
    {
        string t = torch is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
        string r = torch is not double tv ? "" : ratio ? $"{ours / tv:F2}×" : $"{ours - tv:+0.00;−0.00}";
        Console.WriteLine($"| {name,-34} | {t,18} | {ours.ToString(format, CultureInfo.InvariantCulture),18} | {r,7} | {target,8} |");
    }
}
