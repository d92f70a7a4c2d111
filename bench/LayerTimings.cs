using System.Diagnostics;
using System.Globalization;
using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Bench;

/// <summary>Forward and backward time of each layer of the course network on one batch, naive versus fast kernels.</summary>
internal static class LayerTimings
{
    private const int Rounds = 5;
    private static readonly TimeSpan RoundLength = TimeSpan.FromMilliseconds(40);

    public static void Print(BenchSettings s)
    {
        WorkerPool.ThreadCount = s.Threads;
        int n = s.BatchSize;
        var random = new Random(s.Seed);
        Console.WriteLine($"Per-layer time for one batch of {n} ({s.Threads} thread{(s.Threads == 1 ? "" : "s")}); best of {Rounds} rounds of ≥ {RoundLength.TotalMilliseconds} ms, naive and fast interleaved.");
        Console.WriteLine($"Load average before: {Machine.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine($"{"layer",-36} {"input",-12} {"forward µs",21} {"backward µs",21} {"fwd+bwd",9}");
        Console.WriteLine($"{"",-36} {"",-12} {"naive",10} {"fast",10} {"naive",10} {"fast",10} {"speed-up",9}");

        var rows = new (Func<Implementation, ILayer> Create, int[] Shape)[]
        {
            (i => new Conv2d(1, 2, 5, new Random(1), implementation: i), [n, 1, 28, 28]),
            (_ => new ReLU(), [n, 2, 24, 24]),
            (i => new MaxPool2d(2, implementation: i), [n, 2, 24, 24]),
            (_ => new Flatten(), [n, 2, 12, 12]),
            (_ => new Dense(288, 60, new Random(2)), [n, 288]),
            (_ => new ReLU(), [n, 60]),
            (_ => new Dense(60, 10, new Random(3)), [n, 60]),
        };
        foreach (var (create, shape) in rows)
        {
            Tensor x = Tensor.RandomNormal(random, 1f, shape);
            ILayer fast = create(Implementation.Fast);
            bool hasNaive = fast is Conv2d or MaxPool2d or AvgPool2d;
            ILayer? naive = hasNaive ? create(Implementation.Naive) : null;
            Tensor delta = Tensor.RandomNormal(random, 1f, fast.Forward(x).Shape.ToArray());
            naive?.Forward(x);
            double nf = double.PositiveInfinity, ff = double.PositiveInfinity, nb = double.PositiveInfinity, fb = double.PositiveInfinity;
            for (int r = 0; r < Rounds; r++)
            {
                if (naive is not null) nf = Math.Min(nf, Microseconds(() => naive.Forward(x)));
                ff = Math.Min(ff, Microseconds(() => fast.Forward(x)));
                if (naive is not null) nb = Math.Min(nb, Microseconds(() => naive.Backward(delta)));
                fb = Math.Min(fb, Microseconds(() => fast.Backward(delta)));
            }
            string speedUp = naive is null ? "" : $"{(nf + nb) / (ff + fb),8:F0}×";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{fast.Name,-36} {TensorShape.Format(shape),-12} {(naive is null ? "" : nf.ToString("F1", CultureInfo.InvariantCulture)),10} {ff,10:F1} " +
                $"{(naive is null ? "" : nb.ToString("F1", CultureInfo.InvariantCulture)),10} {fb,10:F1} {speedUp,9}"));
        }

        // The first layer in training: Sequential.AccumulateGradients skips its ∂J/∂x.
        {
            var conv = new Conv2d(1, 2, 5, new Random(1));
            Tensor x = Tensor.RandomNormal(random, 1f, n, 1, 28, 28);
            Tensor delta = Tensor.RandomNormal(random, 1f, conv.Forward(x).Shape.ToArray());
            double parametersOnly = double.PositiveInfinity;
            for (int r = 0; r < Rounds; r++)
                parametersOnly = Math.Min(parametersOnly, Microseconds(() =>
                    ConvolutionFast.Backward(x, conv.Weights.Value, delta, 1, 0, null, conv.Weights.Gradient, conv.Bias.Gradient)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{conv.Name + ", backward without ∂J/∂x (what training runs for the first layer)",-70} {parametersOnly,10:F1}"));
        }

        // The training step the Trainer runs per batch, for scale, without the SGD update: thousands of updates on one
        // batch would drive the gradients towards zero, into subnormal floats that the CPU handles slowly.
        var model = CourseNetwork.Create(s.Seed);
        var loss = new SoftmaxCrossEntropy();
        Tensor images = Tensor.RandomUniform(random, 0f, 1f, n, 1, 28, 28);
        Tensor targets = new(n, 10);
        for (int i = 0; i < n; i++) targets[i, random.Next(10)] = 1f;
        double step = double.PositiveInfinity;
        for (int r = 0; r < Rounds; r++)
            step = Math.Min(step, Microseconds(() =>
            {
                model.ZeroGradients();
                loss.Forward(model.Forward(images), targets);
                model.AccumulateGradients(loss.Backward());
            }));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Forward, loss and backward (AccumulateGradients) of the whole network: {step:F1} µs per batch of {n} = {n / step * 1e6:F0} images/s."));
        Console.WriteLine($"Load average after: {Machine.LoadAverage()}");
    }

    /// <summary>The time of one call, from a loop of at least <see cref="RoundLength"/>.</summary>
    private static double Microseconds(Action action)
    {
        action();
        int iterations = 0;
        long start = Stopwatch.GetTimestamp();
        TimeSpan elapsed;
        do
        {
            action();
            iterations++;
            elapsed = Stopwatch.GetElapsedTime(start);
        } while (elapsed < RoundLength);
        return elapsed.TotalMicroseconds / iterations;
    }
}
