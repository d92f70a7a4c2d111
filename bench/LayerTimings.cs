using System.Diagnostics;
using System.Globalization;
using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Bench;

/// <summary>
/// Forward and backward time of each layer of the network on one batch, naive versus fast kernels, with the fast kernels'
/// GFLOP/s and fraction of the machine's peak; then two wide 3×3 convolutions (those of PyTorch's MNIST example), and the
/// whole training step.
/// </summary>
internal static class LayerTimings
{
    private const int Rounds = 5;
    private static readonly TimeSpan RoundLength = TimeSpan.FromMilliseconds(40);

    public static void Print(BenchSettings s, Peak peak)
    {
        WorkerPool.ThreadCount = s.Threads;
        using var reuse = Buffers.Reusing(); // layers reuse their output buffers, as in a training step
        foreach (int n in s.BatchSizes) PrintBatch(s, peak, n);
    }

    private static void PrintBatch(BenchSettings s, Peak peak, int n)
    {
        var random = new Random(s.Seed);
        Console.WriteLine();
        Console.WriteLine($"{s.Network.Key}: per-layer time for one batch of {n} ({s.Threads} thread{(s.Threads == 1 ? "" : "s")}); fastest call in {Rounds} rounds of ≥ {RoundLength.TotalMilliseconds} ms " +
            "(naive: one call when it takes longer), naive and fast interleaved; GFLOP/s and % of peak of the fast kernels.");
        Console.WriteLine($"Load average before: {Machine.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| layer | input | forward µs naive | fast | GFLOP/s | % peak | backward µs naive | fast | GFLOP/s | % peak | speed-up fwd+bwd |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

        Sequential fastModel = s.Network.Create(s.Seed), naiveModel = s.Network.Create(s.Seed, Implementation.Naive);
        double layerSum = 0;
        bool seenTrainable = false;
        for (int k = 0; k < fastModel.Layers.Count; k++)
        {
            IReadOnlyList<int> sample = k == 0 ? fastModel.InputShape : fastModel.OutputShapeOf(k - 1);
            ILayer fast = fastModel.Layers[k];
            ILayer? naive = s.FastOnly ? null : naiveModel.Layers[k] switch
            {
                Conv2d or MaxPool2d or AvgPool2d or BatchNorm => naiveModel.Layers[k],
                Dense dense => new NaiveDense(dense),
                _ => null,
            };
            var (ff, fb) = Row(fast, naive, sample, n, random, peak);
            if (fast.Parameters.Count > 0 && !seenTrainable && fast is Conv2d or Dense)
            {
                // The first trainable layer in training: Sequential.Backward(δ, inputGradient: false) skips its ∂J/∂x.
                Tensor delta = Tensor.RandomNormal(random, 1f, fast.Forward(Tensor.RandomNormal(random, 1f, [n, .. sample])).Shape.ToArray());
                double parametersOnly = Best(() => fast.Backward(delta, inputGradient: false), Rounds);
                double flops = Flops.Backward(fast, sample, n, inputGradient: false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| — backward without ∂J/∂x (what training runs for the first layer) | | | | | | | {parametersOnly:F1} | {Gflops(flops, parametersOnly)} | {Percent(flops, parametersOnly, peak)} | |"));
                fb = parametersOnly;
            }
            seenTrainable |= fast.Parameters.Count > 0;
            layerSum += ff + fb;
        }

        Console.WriteLine("| *wide 3×3 layers (PyTorch's MNIST example)* | | | | | | | | | | |");
        Row(new Conv2d(1, 32, 3, new Random(1)), s.FastOnly ? null : new Conv2d(1, 32, 3, new Random(1), implementation: Implementation.Naive), [1, 28, 28], n, random, peak);
        Row(new Conv2d(32, 64, 3, new Random(2)), s.FastOnly ? null : new Conv2d(32, 64, 3, new Random(2), implementation: Implementation.Naive), [32, 26, 26], n, random, peak);

        // The training step the Trainer runs per batch, without the optimiser step: thousands of updates on one batch
        // would drive the gradients towards zero, into subnormal floats that the CPU handles slowly.
        var model = s.Network.Create(s.Seed);
        var loss = new SoftmaxCrossEntropy();
        Tensor images = Tensor.RandomUniform(random, 0f, 1f, n, 1, 28, 28);
        Tensor targets = new(n, 10);
        for (int i = 0; i < n; i++) targets[i, random.Next(10)] = 1f;
        double step = Best(() =>
        {
            model.ZeroGradients();
            loss.Forward(model.Forward(images), targets);
            model.Backward(loss.Backward(), inputGradient: false);
        }, Rounds);
        model.Training = false;   // inference: batch norm with its running statistics, no dropout
        double inference = Best(() => model.Forward(images), Rounds);
        model.Training = true;
        double stepFlops = Flops.TrainingStep(model, n), inferenceFlops = Flops.Inference(model, n);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training step (forward, loss, backward without ∂J/∂input; no optimiser step): {step:F1} µs per batch of {n} = {n / step * 1e6:N0} images/s, " +
            $"{Gflops(stepFlops, step)} GFLOP/s = {Percent(stepFlops, step, peak)} of peak; the layers above sum to {layerSum:F1} µs."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Forward pass alone: {inference:F1} µs = {n / inference * 1e6:N0} images/s, {Gflops(inferenceFlops, inference)} GFLOP/s = {Percent(inferenceFlops, inference, peak)} of peak."));
        Console.WriteLine($"Load average after: {Machine.LoadAverage()}");
    }

    // One row of the table; returns the fast forward and backward µs.
    private static (double Forward, double Backward) Row(ILayer fast, ILayer? naive, IReadOnlyList<int> sample, int n, Random random, Peak peak)
    {
        int[] shape = [n, .. sample];
        Tensor x = Tensor.RandomNormal(random, 1f, shape);
        Tensor delta = Tensor.RandomNormal(random, 1f, fast.Forward(x).Shape.ToArray());
        naive?.Forward(x);
        double nf = double.PositiveInfinity, ff = double.PositiveInfinity, nb = double.PositiveInfinity, fb = double.PositiveInfinity;
        for (int r = 0; r < Rounds; r++)
        {
            // A naive call longer than a round is timed once: its best of five would take minutes and say nothing new.
            bool naiveAgain = r == 0 || nf + nb < 2 * RoundLength.TotalMicroseconds;
            if (naive is not null && naiveAgain) nf = Math.Min(nf, Microseconds(() => naive.Forward(x)));
            ff = Math.Min(ff, Microseconds(() => fast.Forward(x)));
            if (naive is not null && naiveAgain) nb = Math.Min(nb, Microseconds(() => naive.Backward(delta)));
            fb = Math.Min(fb, Microseconds(() => fast.Backward(delta)));
        }
        double fFlops = Flops.Forward(fast, sample, n), bFlops = Flops.Backward(fast, sample, n, inputGradient: true);
        string N(double v) => naive is null ? "" : v.ToString("F1", CultureInfo.InvariantCulture);
        string speedUp = naive is null ? "" : $"{(nf + nb) / (ff + fb):F0}×";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {fast.Name} | {TensorShape.Format(shape)} | {N(nf)} | {ff:F1} | {Gflops(fFlops, ff)} | {Percent(fFlops, ff, peak)} " +
            $"| {N(nb)} | {fb:F1} | {Gflops(bFlops, fb)} | {Percent(bFlops, fb, peak)} | {speedUp} |"));
        return (ff, fb);
    }

    private static string Gflops(double flops, double microseconds) =>
        flops == 0 ? "" : (flops / microseconds / 1e3).ToString("F1", CultureInfo.InvariantCulture);

    private static string Percent(double flops, double microseconds, Peak peak) =>
        flops == 0 ? "" : (100 * flops / microseconds / 1e3 / peak.Gflops).ToString("F0", CultureInfo.InvariantCulture) + " %";

    private static double Best(Action action, int rounds)
    {
        double best = double.PositiveInfinity;
        for (int r = 0; r < rounds; r++) best = Math.Min(best, Microseconds(action));
        return best;
    }

    /// <summary>
    /// The fastest single call in a loop of at least <see cref="RoundLength"/> (or the one call after the warm-up call when
    /// that is longer). The fastest call, not the mean: on a shared machine most calls are interrupted by other processes,
    /// and the fastest one is the kernel's own speed.
    /// </summary>
    private static double Microseconds(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        TimeSpan first = Stopwatch.GetElapsedTime(start);
        if (first > 5 * RoundLength) return first.TotalMicroseconds; // slow enough that JIT time does not matter
        double best = double.PositiveInfinity;
        long roundStart = Stopwatch.GetTimestamp();
        do
        {
            start = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        } while (Stopwatch.GetElapsedTime(roundStart) < RoundLength);
        return best;
    }
}
