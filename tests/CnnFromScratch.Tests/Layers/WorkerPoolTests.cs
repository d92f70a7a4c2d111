using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

[Collection(nameof(WorkerPoolSettings))]
public sealed class WorkerPoolTests
{
    [Fact]
    public void Fast_kernels_give_the_same_bits_for_any_thread_count()
    {
        var random = new Random(21);
        Tensor x = Tensor.RandomNormal(random, 1f, 13, 2, 12, 12), w = Tensor.RandomNormal(random, 1f, 3, 2, 3, 3), b = Tensor.RandomNormal(random, 1f, 3);
        Tensor delta = Tensor.RandomNormal(random, 1f, 13, 3, 10, 10);
        (float[] Z, float[] DInput, float[] DWeights, float[] DBias) Run(int threads) => WithThreads(threads, () =>
        {
            Tensor z = Convolution.ForwardFast(x, w, b);
            var (dInput, dWeights, dBias) = Convolution.BackwardFast(x, w, delta);
            return (z.Data, dInput.Data, dWeights.Data, dBias.Data);
        });
        var one = Run(1);
        foreach (int threads in new[] { 2, 3, 8 })
        {
            var many = Run(threads);
            Assert.Equal(one.Z, many.Z);
            Assert.Equal(one.DInput, many.DInput);
            Assert.Equal(one.DWeights, many.DWeights); // partial sums added in chunk order, not in finishing order
            Assert.Equal(one.DBias, many.DBias);
        }
    }

    [Fact]
    public void Callers_on_several_threads_at_once_each_get_their_own_result()
    {
        var random = new Random(22);
        Tensor w = Tensor.RandomNormal(random, 1f, 2, 1, 5, 5), b = Tensor.RandomNormal(random, 1f, 2);
        Tensor[] inputs = Enumerable.Range(0, 4).Select(_ => Tensor.RandomNormal(random, 1f, 16, 1, 28, 28)).ToArray();
        float[][] expected = inputs.Select(x => Convolution.ForwardNaive(x, w, b).Data).ToArray();
        WithThreads(2, () =>
        {
            // Four threads share one pool: one of them owns it per pass, the others run their chunks themselves.
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            {
                for (int repeat = 0; repeat < 50; repeat++)
                {
                    float[] z = Convolution.ForwardFast(inputs[t], w, b).Data;
                    for (int i = 0; i < z.Length; i++) Assert.Equal(expected[t][i], z[i], 1e-4f);
                }
            });
            return 0;
        });
    }

    [Fact]
    public void An_exception_in_a_chunk_reaches_the_caller_and_the_pool_keeps_working()
    {
        WithThreads(2, () =>
        {
            var failing = new TestPass(failAt: 5);
            var e = Assert.Throws<InvalidOperationException>(() => failing.RunItems(8));
            Assert.Contains("chunk 5", e.Message);
            var fine = new TestPass(failAt: -1);
            fine.RunItems(8);
            Assert.Equal(Enumerable.Repeat(1, 8), fine.Visits);
            return 0;
        });
    }

    [Fact]
    public void Every_chunk_runs_exactly_once_in_pass_after_pass()
    {
        // The caller claims chunks from the front and the helpers from the back of the same ticket; they must never both
        // take the middle one, nor skip it, however their claims interleave.
        WithThreads(2, () =>
        {
            var pass = new TestPass(failAt: -1);
            for (int repeat = 0; repeat < 20_000; repeat++) pass.RunItems(1 + repeat % 8);
            for (int chunk = 0; chunk < ChunkedPass.MaxChunks; chunk++)
                Assert.Equal(Enumerable.Range(0, 20_000).Count(r => r % 8 >= chunk), pass.Visits[chunk]);
            return 0;
        });
    }

    private static T WithThreads<T>(int threads, Func<T> action)
    {
        int saved = WorkerPool.ThreadCount;
        WorkerPool.ThreadCount = threads;
        try { return action(); }
        finally { WorkerPool.ThreadCount = saved; }
    }

    private sealed class TestPass(int failAt) : ChunkedPass
    {
        public int[] Visits { get; } = new int[ChunkedPass.MaxChunks];

        public void RunItems(int items) => Run(items);

        protected override void Process(int chunk, int start, int end)
        {
            if (chunk == failAt) throw new InvalidOperationException($"chunk {chunk} failed");
            Interlocked.Increment(ref Visits[chunk]);
        }
    }
}
