using System.Globalization;
using System.Runtime.InteropServices;

namespace CnnFromScratch.Bench;

/// <summary>What the numbers were measured on: CPU, cores, runtime, and how busy the machine was.</summary>
internal static class Machine
{
    /// <summary>The 1-minute load average from /proc/loadavg ("n/a" elsewhere): above the core count, other processes compete for the CPU.</summary>
    public static string LoadAverage()
    {
        try
        {
            string[] parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }

    /// <summary>The 1-minute load average as a number (NaN when unknown).</summary>
    public static double OneMinuteLoad() =>
        double.TryParse(LoadAverage().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double l) ? l : double.NaN;

    /// <summary>For example "AMD EPYC, 2 cores (AVX2 + FMA), Linux 6.1, .NET 10.0.0".</summary>
    public static string Describe()
    {
        string cpu = "unknown CPU";
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        string simd = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512"
            : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2" : System.Numerics.Vector.IsHardwareAccelerated ? "SIMD" : "no SIMD";
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported) simd += " + FMA";
        return $"{cpu}, {Environment.ProcessorCount} cores ({simd}), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }
}
