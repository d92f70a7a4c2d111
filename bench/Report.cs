using System.Globalization;

namespace CnnFromScratch.Bench;

/// <summary>Prints runs and the side-by-side table.</summary>
internal static class Report
{
    public static void Ours(RunResult r, BenchSettings s, Peak peak)
    {
        Console.WriteLine();
        Console.WriteLine($"Batch {r.BatchSize}; load average before the run: {r.LoadBefore}");
        Console.WriteLine($"Training:   {r.TrainImagesPerSecond,10:N0} images/s ({r.TrainSeconds:F2} s)   {Roofline(r.TrainImagesPerSecond * TrainFlops(s, r.BatchSize), peak)}");
        Console.WriteLine($"Inference:  {r.InferenceImagesPerSecond,10:N0} images/s            {Roofline(r.InferenceImagesPerSecond * InferenceFlops(s, r.BatchSize), peak)}");
        Console.WriteLine($"Accuracy:   {r.TestAccuracy,10:P2} on the test set");
        Console.WriteLine($"Allocated:  {r.BytesPerBatch,10:N1} bytes per training batch in the steady state ({r.Collections} gen-0 collections during training)");
        Console.WriteLine($"Load average after the run: {Machine.LoadAverage()}");
    }

    public static void Line(int repeat, RunResult r) => Console.WriteLine(
        $"batch {r.BatchSize,3} run {repeat}  {r.Framework,-20} train {r.TrainImagesPerSecond,9:N0} images/s ({r.TrainSeconds,6:F2} s)   " +
        $"inference {r.InferenceImagesPerSecond,9:N0} images/s   accuracy {r.TestAccuracy:P2}" +
        (r.BytesPerBatch is double b ? $"   {b:N0} B/batch" : "") + $"   [load {r.LoadBefore}]");

    /// <summary>"12.3 GFLOP/s = 9.1 % of peak" for a rate of FLOPs per second.</summary>
    public static string Roofline(double flopsPerSecond, Peak peak) => string.Create(CultureInfo.InvariantCulture,
        $"{flopsPerSecond / 1e9:F1} GFLOP/s = {100 * flopsPerSecond / 1e9 / peak.Gflops:F1} % of peak");

    /// <summary>FLOPs per training image (forward and backward, as Trainer.Fit runs them).</summary>
    public static double TrainFlops(BenchSettings s, int batch) => Flops.TrainingStep(s.Network.Create(0), batch) / batch;

    /// <summary>FLOPs per inference image.</summary>
    public static double InferenceFlops(BenchSettings s, int batch) => Flops.Inference(s.Network.Create(0), batch) / batch;

    public static void Comparison(IReadOnlyList<RunResult> pytorch, IReadOnlyList<RunResult> ours, BenchSettings s, Peak peak, string loadAfter)
    {
        Console.WriteLine();
        Console.WriteLine($"Best of {s.Repeats} run{(s.Repeats == 1 ? "" : "s")} per side and batch size ({s}); load average now {loadAfter}.");
        Console.WriteLine($"{s.Network.Description}: {TrainFlops(s, 1) / 1e6:F2} MFLOP per training image, {InferenceFlops(s, 1) / 1e6:F2} MFLOP per inference image.");
        Console.WriteLine(peak.Describe());
        Console.WriteLine();
        string torchName = pytorch.Count > 0 ? pytorch[0].Framework : "PyTorch";
        Console.WriteLine($"| batch | {torchName} training img/s | this library | ratio | {torchName} inference img/s | this library | ratio | accuracy {torchName} | this library | B/batch | this library's training, inference GFLOP/s (% of peak) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (int batch in s.BatchSizes)
        {
            RunResult us = Best(ours.Where(r => r.BatchSize == batch).ToList());
            var theirRuns = pytorch.Where(r => r.BatchSize == batch).ToList();
            RunResult? them = theirRuns.Count > 0 ? Best(theirRuns) : null;
            string Ratio(double? t, double o) => t is double v ? $"**{o / v:F1}×**" : "";
            string N(double? v, string f) => v is double x ? x.ToString(f, CultureInfo.InvariantCulture) : "—";
            double trainGflops = us.TrainImagesPerSecond * TrainFlops(s, batch) / 1e9, inferGflops = us.InferenceImagesPerSecond * InferenceFlops(s, batch) / 1e9;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {batch} | {N(them?.TrainImagesPerSecond, "N0")} | {us.TrainImagesPerSecond:N0} | {Ratio(them?.TrainImagesPerSecond, us.TrainImagesPerSecond)} " +
                $"| {N(them?.InferenceImagesPerSecond, "N0")} | {us.InferenceImagesPerSecond:N0} | {Ratio(them?.InferenceImagesPerSecond, us.InferenceImagesPerSecond)} " +
                $"| {N(them?.TestAccuracy * 100, "F2")} % | {us.TestAccuracy * 100:F2} % | {N(us.BytesPerBatch, "N0")} " +
                $"| {trainGflops:F1} ({100 * trainGflops / peak.Gflops:F0} %), {inferGflops:F1} ({100 * inferGflops / peak.Gflops:F0} %) |"));
        }
        Console.WriteLine();
        if (pytorch.Count == 0) Console.WriteLine("(PyTorch was not run, so there are no ratios.)");
        else
        {
            Console.WriteLine("Ratio = this library ÷ PyTorch. Throughput is the best run of each side; accuracy is from the best training run.");
            Console.WriteLine("Both sides train from their own random initial weights. B/batch: managed bytes allocated per training batch (target 0).");
        }
    }

    private static RunResult Best(IReadOnlyList<RunResult> runs) => runs.MaxBy(r => r.TrainImagesPerSecond)! with
    {
        InferenceImagesPerSecond = runs.Max(r => r.InferenceImagesPerSecond),
    };
}
