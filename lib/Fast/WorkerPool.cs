using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

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
/// batches ran 2.5–5 % faster than when every thread took the next chunk; the course network's first ReLU read half its
/// input from the other core's cache, 13 µs instead of 7 µs at batch 32). The ticket holds the pass's generation in its
/// high 32 bits, then the front and the back of the chunks still unclaimed in 16 bits each, so a helper that wakes late
/// can never claim a chunk of a newer pass by mistake. Which thread runs which chunk never changes a result: the chunks
/// themselves depend only on the item count.
/// </remarks>
internal static class WorkerPool
{
    /// <summary>The most chunks one pass may have (the ticket keeps the front and the back in 16 bits each).</summary>
    public const int MaxChunksPerPass = 0xFFFF;

    // After a pass, a helper spins this long for the next one (training passes come microseconds apart), then sleeps.
    private static readonly long s_spinTicks = Stopwatch.Frequency / 1000;
    // A waiting thread spins on the pause instruction this long before it starts yielding its core (see Wait).
    private static readonly long s_pauseTicks = Stopwatch.Frequency / 50000;

    private static readonly object s_startLock = new();
    private static readonly SemaphoreSlim s_wake = new(0);
    private static Thread[] s_helpers = [];
    private static long[] s_helperAllocatedBytes = []; // per helper, after its last chunk (for the zero-allocation test)
    private static int s_threadCount = Environment.ProcessorCount;

    private static ChunkedPass? s_pass;
    private static PaddedLong s_ticket;     // generation << 32 | front << 16 | back: chunks [front, back) are unclaimed
    private static PaddedLong s_completed;  // chunks finished in the current generation
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
            if (chunks > MaxChunksPerPass)
                throw new ArgumentOutOfRangeException(nameof(chunks), chunks, $"A pass has at most {MaxChunksPerPass} chunks.");
            StartHelpers(s_threadCount - 1);
            s_pass = pass;
            s_completed.Value = 0;
            s_error = null;
            long generation = (Volatile.Read(ref s_ticket.Value) >> 32) + 1;
            // A full fence: the fields above are visible before the ticket. Unclaimed: chunks [0, chunks).
            Interlocked.Exchange(ref s_ticket.Value, generation << 32 | (uint)chunks);
            int sleepers = Volatile.Read(ref s_sleepers);
            if (sleepers > 0) s_wake.Release(sleepers);

            ClaimChunks(generation, helper: -1);
            // The helpers are finishing their last chunks.
            var spin = new SpinWait();
            long since = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref s_completed.Value) < chunks) Wait(ref spin, since);
            s_error?.Throw();
        }
        finally
        {
            s_pass = null;
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>
    /// Claims and runs chunks of <paramref name="generation"/>, the lowest unclaimed one (the caller, <paramref name="helper"/>
    /// −1) or the highest (helper number <paramref name="helper"/>), until none is left or a newer pass has started.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ClaimChunks(long generation, int helper)
    {
        bool fromFront = helper < 0;
        while (true)
        {
            long ticket = Volatile.Read(ref s_ticket.Value);
            if (ticket >> 32 != generation) return;
            int front = (int)(ticket >> 16) & 0xFFFF, back = (int)ticket & 0xFFFF;
            ChunkedPass? pass = s_pass;
            if (front >= back || pass is null) return;
            (int chunk, long claimed) = fromFront ? (front, ticket + (1 << 16)) : (back - 1, ticket - 1);
            if (Interlocked.CompareExchange(ref s_ticket.Value, claimed, ticket) != ticket) continue;
            // The chunk is ours, and its pass cannot end before we count it as completed.
            try { pass.RunChunk(chunk); }
            catch (Exception e) { s_error ??= ExceptionDispatchInfo.Capture(e); }
            // A helper's allocations count before its chunk does, so they are in HelperAllocatedBytes when Run returns (written
            // after the chunk, a helper descheduled in between made a warm-up allocation show up batches later in a test's count).
            if (helper >= 0) Volatile.Write(ref s_helperAllocatedBytes[helper], GC.GetAllocatedBytesForCurrentThread());
            Interlocked.Increment(ref s_completed.Value);
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
    /// The managed bytes the helper threads have allocated so far, as of the last chunk each ran (counted before the chunk is, so
    /// complete for every pass once <see cref="Run"/> has returned). Added to the caller's
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
        long seen = Volatile.Read(ref s_ticket.Value) >> 32;
        while (true)
        {
            long generation = WaitForNewGeneration(seen);
            seen = generation;
            if (helper >= s_threadCount - 1) continue; // ThreadCount was lowered after this helper started
            ClaimChunks(generation, helper);
        }
    }

    private static long WaitForNewGeneration(long seen)
    {
        var spin = new SpinWait();
        long until = Stopwatch.GetTimestamp() + s_spinTicks;
        while (true)
        {
            long generation = Volatile.Read(ref s_ticket.Value) >> 32;
            if (generation != seen) return generation;
            if (Stopwatch.GetTimestamp() < until)
            {
                Wait(ref spin, until - s_spinTicks);
                continue;
            }
            // Announce that we sleep, then look once more: the caller publishes the ticket before it counts sleepers,
            // and both sides use full fences, so either we see the new ticket or the caller sees us and wakes us.
            Interlocked.Increment(ref s_sleepers);
            if (Volatile.Read(ref s_ticket.Value) >> 32 == seen) s_wake.Wait();
            Interlocked.Decrement(ref s_sleepers);
            spin.Reset();
            until = Stopwatch.GetTimestamp() + s_spinTicks;
        }
    }

    /// <summary>
    /// One round of waiting that began at <paramref name="since"/>: for the first 20 µs the pause instruction, after that
    /// <see cref="SpinWait.SpinOnce(int)"/>, which soon yields the core. Training passes come microseconds apart, and a
    /// yield hands the core to any other runnable process (a build, another program), which may then keep it for a
    /// scheduler tick, milliseconds: while a compiler ran at nice 10, a helper that yielded at once between passes took
    /// part in only 0.01 of every 8 chunks of a 7 µs pass. Spinning for the whole millisecond without yielding was worse
    /// on a busy machine (load 4–5: the course network trained at 58,000–60,000 images/s against 115,000 with yields),
    /// and with more threads than cores a spinning thread takes the core from a thread with work, so then it yields at once.
    /// 20 µs covers the gaps between the passes of a training step; against 200 µs it trained the course network at the
    /// same speed (per-round ratio 0.98, 8 rounds in one process, load 1.7–1.9) and left the core sooner to a notebook's
    /// other threads between batches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Wait(ref SpinWait spin, long since)
    {
        if (s_threadCount <= Environment.ProcessorCount && Stopwatch.GetTimestamp() - since < s_pauseTicks) Pause();
        else spin.SpinOnce(sleep1Threshold: -1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pause()
    {
        if (X86Base.IsSupported) X86Base.Pause();
        else Thread.SpinWait(1);
    }

    /// <summary>A counter on a cache line of its own, so the threads polling it do not slow down writes to its neighbours.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct PaddedLong
    {
        [FieldOffset(64)] public long Value;
    }
}
