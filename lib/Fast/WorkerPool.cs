using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace CnnFromScratch.Fast;

/// <summary>
/// The helper threads the fast kernels share to split a batch across cores, started once and woken for every pass.
/// </summary>
/// <remarks>
/// Why not <see cref="Parallel.For(int, int, Action{int})"/>: it allocates about 3.6 KB per call (tasks, loop state),
/// and a training step makes several parallel passes, so it broke the rule that a training batch allocates nothing.
/// Here a pass is a <see cref="ChunkedPass"/> whose chunks the caller and the helpers claim one at a time from a shared
/// ticket, so a helper that the operating system has not scheduled yet (a busy machine) costs nothing: the caller
/// simply claims the remaining chunks itself. The caller claims chunks from the front and the helpers from the back, so
/// on time the caller runs the first chunks of every pass and a helper the last ones: chunk c of every pass covers about
/// the same part of the batch, so each core finds in its own cache what it wrote in the pass before (LeNet-5 training
/// batches ran 2.5–5 % faster than when every thread took the next chunk). The ticket holds the pass's generation in its
/// high 32 bits, then the front and the back of the chunks still unclaimed in 16 bits each, so a helper that wakes late
/// can never claim a chunk of a newer pass by mistake.
/// </remarks>
internal static class WorkerPool
{
    // After a pass, a helper spins this long for the next one (training passes come microseconds apart), then sleeps.
    private static readonly long s_spinTicks = Stopwatch.Frequency / 1000;

    private static readonly object s_startLock = new();
    private static readonly SemaphoreSlim s_wake = new(0);
    private static Thread[] s_helpers = [];
    private static long[] s_helperAllocatedBytes = []; // per helper, after its last pass (for the zero-allocation test)
    private static int s_threadCount = Environment.ProcessorCount;

    private static ChunkedPass? s_pass;
    private static long s_ticket;        // generation << 32 | first unclaimed chunk << 16 | one past the last unclaimed chunk
    private static int s_completed;      // chunks finished in the current generation
    private static int s_busy;           // 1 while a caller owns the pool
    private static int s_sleepers;       // helpers blocked on s_wake
    private static ExceptionDispatchInfo? s_error;

    /// <summary>
    /// The number of threads a pass uses, the calling thread included (default: the number of cores; 1 runs everything on the caller).
    /// The benchmark sets it to compare with other libraries at the same thread count.
    /// </summary>
    public static int ThreadCount
    {
        get => s_threadCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            s_threadCount = value;
        }
    }

    /// <summary>Runs chunks 0..<paramref name="chunks"/>−1 of <paramref name="pass"/> on the caller and the helpers, and returns when all are done.</summary>
    public static void Run(ChunkedPass pass, int chunks)
    {
        // One pass at a time: a second caller (another test, another notebook thread) or a nested call runs its chunks inline.
        if (chunks <= 1 || s_threadCount <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int c = 0; c < chunks; c++) pass.RunChunk(c);
            return;
        }
        try
        {
            StartHelpers(s_threadCount - 1);
            s_pass = pass;
            s_completed = 0;
            s_error = null;
            long generation = (Volatile.Read(ref s_ticket) >> 32) + 1;
            Interlocked.Exchange(ref s_ticket, generation << 32 | (long)chunks); // a full fence: the fields above are visible before the ticket
            int sleepers = Volatile.Read(ref s_sleepers);
            if (sleepers > 0) s_wake.Release(sleepers);

            ClaimChunks(generation, fromBack: false);
            var spin = new SpinWait();
            while (Volatile.Read(ref s_completed) < chunks) spin.SpinOnce(sleep1Threshold: -1); // yield, never sleep 1 ms
            s_error?.Throw();
        }
        finally
        {
            s_pass = null;
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>
    /// Claims and runs chunks of <paramref name="generation"/>, the lowest unclaimed one (the caller) or the highest
    /// (<paramref name="fromBack"/>: a helper), until none is left or a newer pass has started.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ClaimChunks(long generation, bool fromBack)
    {
        while (true)
        {
            long ticket = Volatile.Read(ref s_ticket);
            if (ticket >> 32 != generation) return;
            int front = (int)((ticket >> 16) & 0xFFFF), back = (int)(ticket & 0xFFFF);
            ChunkedPass? pass = s_pass;
            if (front >= back || pass is null) return;
            int chunk = fromBack ? back - 1 : front;
            long next = fromBack ? ticket - 1 : ticket + (1L << 16);
            if (Interlocked.CompareExchange(ref s_ticket, next, ticket) != ticket) continue;
            // The chunk is ours, and its pass cannot end before we count it as completed.
            try { pass.RunChunk(chunk); }
            catch (Exception e) { s_error ??= ExceptionDispatchInfo.Capture(e); }
            Interlocked.Increment(ref s_completed);
        }
    }

    private static void StartHelpers(int count)
    {
        if (s_helpers.Length >= count) return;
        lock (s_startLock)
        {
            if (s_helpers.Length >= count) return;
            var helpers = new Thread[count];
            var allocated = new long[count];
            s_helpers.CopyTo(helpers, 0);
            s_helperAllocatedBytes.CopyTo(allocated, 0);
            s_helperAllocatedBytes = allocated;
            for (int i = s_helpers.Length; i < count; i++)
            {
                helpers[i] = new Thread(HelperLoop) { IsBackground = true, Name = $"CnnFromScratch kernel helper {i + 1}" };
                helpers[i].Start(i);
            }
            s_helpers = helpers;
        }
    }

    /// <summary>
    /// The managed bytes the helper threads have allocated so far (as of their last pass). Added to the caller's
    /// <see cref="GC.GetAllocatedBytesForCurrentThread"/>, it counts a pass's allocations exactly, without the noise of
    /// unrelated threads that <see cref="GC.GetTotalAllocatedBytes(bool)"/> includes.
    /// </summary>
    public static long HelperAllocatedBytes()
    {
        long sum = 0;
        foreach (long bytes in s_helperAllocatedBytes) sum += bytes;
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HelperLoop(object? index)
    {
        int helper = (int)index!;
        long seen = Volatile.Read(ref s_ticket) >> 32;
        while (true)
        {
            long generation = WaitForNewGeneration(seen);
            seen = generation;
            if (helper >= s_threadCount - 1) continue; // ThreadCount was lowered after this helper started
            ClaimChunks(generation, fromBack: true);
            Volatile.Write(ref s_helperAllocatedBytes[helper], GC.GetAllocatedBytesForCurrentThread());
        }
    }

    private static long WaitForNewGeneration(long seen)
    {
        var spin = new SpinWait();
        long until = Stopwatch.GetTimestamp() + s_spinTicks;
        while (true)
        {
            long generation = Volatile.Read(ref s_ticket) >> 32;
            if (generation != seen) return generation;
            if (Stopwatch.GetTimestamp() < until)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            // Announce that we sleep, then look once more: the caller publishes the ticket before it counts sleepers,
            // and both sides use full fences, so either we see the new ticket or the caller sees us and wakes us.
            Interlocked.Increment(ref s_sleepers);
            if (Volatile.Read(ref s_ticket) >> 32 == seen) s_wake.Wait();
            Interlocked.Decrement(ref s_sleepers);
            spin.Reset();
            until = Stopwatch.GetTimestamp() + s_spinTicks;
        }
    }
}
