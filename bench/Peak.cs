using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CnnFromScratch.Fast;

namespace CnnFromScratch.Bench;

/// <summary>
/// This machine's peak float32 arithmetic: cores × clock × vector lanes × multiply-add units × 2 FLOPs. The lanes are the
/// widest the kernels use: 16 (<see cref="Vector512"/>) where the CPU has AVX-512 and the convolution kernels run on it
/// (<c>VectorWidth.Wide</c>), else 8 (<see cref="Vector256"/>). The clock is measured, because a virtual machine's
/// /proc/cpuinfo shows the nominal clock while the core runs faster (turbo): a chain of dependent integer additions and
/// XORs, one cycle each on every x86 core, runs at one per cycle. The multiply-add units per core come from a measured
/// throughput: one thread issues independent fused multiply-adds (12 chains, more than latency × units), and that rate
/// divided by the clock, rounded, is the number of units.
/// </summary>
internal sealed record Peak(int Cores, double NominalGHz, double ClockGHz, int Lanes, int FmaUnits, double MeasuredPerCoreGflops,
    double MeasuredAllCoresGflops, double NarrowGflops)
{
    private const int Chains = 12;

    /// <summary>The peak at the kernels' widest vectors: Cores × ClockGHz × Lanes × FmaUnits × 2.</summary>
    public double Gflops => Cores * ClockGHz * Lanes * FmaUnits * 2;

    /// <summary>Measures the multiply-add throughput (best of several short rounds, so a busy machine lowers it as little as possible).</summary>
    public static Peak Measure(int threads)
    {
        int cores = Environment.ProcessorCount;
        double nominal = ClockFromCpuInfo();
        double clock = MeasureClockGHz();
        bool wide = VectorWidth.Wide;
        int lanes = wide ? 16 : 8;
        Func<long, float> run = wide ? Run512 : Run256;
        double perCore = BestGflops(1, run, lanes);
        double allCores = BestGflops(Math.Max(1, threads), run, lanes);
        int units = Math.Max(1, (int)Math.Round(perCore / (clock * lanes * 2)));
        double narrowPerCore = wide ? BestGflops(1, Run256, 8) : perCore;
        int narrowUnits = Math.Max(1, (int)Math.Round(narrowPerCore / (clock * 8 * 2)));
        return new Peak(cores, nominal, clock, lanes, units, perCore, allCores, cores * clock * 8 * narrowUnits * 2);
    }

    /// <summary>How the peak was derived, in a few lines (numbers formatted with the current culture; the bench sets the invariant one).</summary>
    public string Describe() =>
        $"FMA peak {Gflops:F1} GFLOP/s = {Cores} cores × {ClockGHz:F2} GHz (measured; /proc/cpuinfo says {NominalGHz:F2}) × {Lanes} float lanes " +
        (Lanes == 16 ? "(Vector512: the convolution kernels use AVX-512 on this CPU)" : "(Vector256, as the kernels use)") + $" × {FmaUnits} FMA units × 2 FLOPs;\n" +
        $"  FMA units from a measured 1-thread throughput of {MeasuredPerCoreGflops:F1} GFLOP/s = {MeasuredPerCoreGflops / (ClockGHz * Lanes * 2):F2} vector FMAs per cycle " +
        $"({Chains} independent chains); all {Cores} cores together measured {MeasuredAllCoresGflops:F1} GFLOP/s now (shared machine)." +
        (Lanes == 16 ? $"\n  The 8-float kernels (the dense layers' forward dot products, ∂J/∂x of a convolution with fewer than 16 filters, the element-wise passes) can reach at most {NarrowGflops:F1} GFLOP/s (Vector256)." : "");

    private static double ClockFromCpuInfo()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal));
            if (line is not null && double.TryParse(line[(line.IndexOf(':') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double mhz))
                return mhz / 1000;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return double.NaN;
    }

    // Best of many rounds of about a millisecond, shorter than a scheduler time slice, so that on a busy machine some
    // rounds run uninterrupted. The given number of threads at once; GFLOP/s of all of them together.
    private static double BestGflops(int threads, Func<long, float> run, int lanes)
    {
        const long iterations = 300_000;
        run(1000); // compile
        double best = 0;
        for (int round = 0; round < (threads == 1 ? 200 : 30); round++)
        {
            var workers = new Thread[threads];
            long start = Stopwatch.GetTimestamp();
            for (int t = 0; t < threads; t++) (workers[t] = new Thread(() => Sink(run(iterations)))).Start();
            foreach (Thread w in workers) w.Join();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, threads * iterations * Chains * lanes * 2.0 / seconds / 1e9);
        }
        return best;
    }

    // Best of 200 rounds of about a millisecond (see BestGflops): 16 dependent one-cycle operations per iteration.
    private static double MeasureClockGHz()
    {
        const long iterations = 150_000;
        Chain(1000, 3, 5);
        double best = 0;
        for (int round = 0; round < 200; round++)
        {
            long start = Stopwatch.GetTimestamp();
            s_sinkLong += Chain(iterations, 3, 5);
            best = Math.Max(best, iterations * 16 / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static long Chain(long iterations, long b, long c)
    {
        long a = 0;
        for (long i = 0; i < iterations; i++)
        {
            a = (a + b) ^ c; a = (a + b) ^ c; a = (a + b) ^ c; a = (a + b) ^ c;
            a = (a + b) ^ c; a = (a + b) ^ c; a = (a + b) ^ c; a = (a + b) ^ c;
        }
        return a;
    }

    private static long s_sinkLong;
    private static float s_sink;
    private static void Sink(float value) => s_sink += value;

    private static float Run256(long iterations) =>
        Fma.IsSupported ? Run<Vector256<float>, Fused256>(iterations) : Run<Vector256<float>, Separate256>(iterations);

    private static float Run512(long iterations) =>
        Avx512F.IsSupported ? Run<Vector512<float>, Fused512>(iterations) : Run256(iterations);

    // 12 independent chains a ← a·b + c of one vector type; TOp says how a multiply-add is issued. A struct type argument
    // gets its own compiled code, so the calls inline to single instructions and the chains stay in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Run<TVector, TOp>(long iterations) where TVector : struct where TOp : struct, IMultiplyAdd<TVector>
    {
        TVector b = TOp.Create(0.9999999f), c = TOp.Create(1e-7f);
        TVector a0 = TOp.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = TOp.MultiplyAdd(a0, b, c); a1 = TOp.MultiplyAdd(a1, b, c); a2 = TOp.MultiplyAdd(a2, b, c); a3 = TOp.MultiplyAdd(a3, b, c);
            a4 = TOp.MultiplyAdd(a4, b, c); a5 = TOp.MultiplyAdd(a5, b, c); a6 = TOp.MultiplyAdd(a6, b, c); a7 = TOp.MultiplyAdd(a7, b, c);
            a8 = TOp.MultiplyAdd(a8, b, c); a9 = TOp.MultiplyAdd(a9, b, c); a10 = TOp.MultiplyAdd(a10, b, c); a11 = TOp.MultiplyAdd(a11, b, c);
        }
        return TOp.Sum(a0) + TOp.Sum(a1) + TOp.Sum(a2) + TOp.Sum(a3) + TOp.Sum(a4) + TOp.Sum(a5) +
               TOp.Sum(a6) + TOp.Sum(a7) + TOp.Sum(a8) + TOp.Sum(a9) + TOp.Sum(a10) + TOp.Sum(a11);
    }

    private interface IMultiplyAdd<TVector>
    {
        static abstract TVector Create(float value);
        static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);
        static abstract float Sum(TVector a);
    }

    private readonly struct Fused256 : IMultiplyAdd<Vector256<float>>
    {
        public static Vector256<float> Create(float value) => Vector256.Create(value);
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Fma.MultiplyAdd(a, b, c);
        public static float Sum(Vector256<float> a) => Vector256.Sum(a);
    }

    // Without FMA: separate multiply and add (two instructions per multiply-add), so the "units" come out as what the CPU sustains.
    private readonly struct Separate256 : IMultiplyAdd<Vector256<float>>
    {
        public static Vector256<float> Create(float value) => Vector256.Create(value);
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => a * b + c;
        public static float Sum(Vector256<float> a) => Vector256.Sum(a);
    }

    private readonly struct Fused512 : IMultiplyAdd<Vector512<float>>
    {
        public static Vector512<float> Create(float value) => Vector512.Create(value);
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.FusedMultiplyAdd(a, b, c);
        public static float Sum(Vector512<float> a) => Vector512.Sum(a);
    }
}
