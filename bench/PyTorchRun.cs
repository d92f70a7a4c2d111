using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CnnFromScratch.Bench;

/// <summary>Runs pytorch_reference.py with every setting given explicitly and reads the JSON line it prints.</summary>
internal static class PyTorchRun
{
    private static string Script => Path.Combine(AppContext.BaseDirectory, "pytorch_reference.py");

    /// <summary>The PyTorch version, or null with the reason it cannot run (no Python, no torch, no numpy).</summary>
    public static (string? Version, string? Problem) Probe(BenchSettings s)
    {
        var (exit, stdout, stderr) = Execute(s.Python, ["-c", "import numpy, torch; print(torch.__version__)"]);
        if (exit is null) return (null, $"{s.Python} was not found ({stderr.Trim()})");
        if (exit != 0)
            return (null, $"{s.Python} cannot import torch and numpy ({LastLine(stderr)}); on Debian: apt-get install python3-torch python3-numpy, " +
                "or pass --python with a Python that has them");
        return (stdout.Trim(), null);
    }

    /// <summary>One training and inference run in a fresh Python process.</summary>
    public static RunResult Run(BenchSettings s, int batchSize)
    {
        string load = Machine.LoadAverage();
        string[] args =
        [
            Script, "--network", s.Network.Key, "--data", s.DataFolder,
            "--batch", batchSize.ToString(CultureInfo.InvariantCulture),
            "--lr", s.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            "--momentum", s.Momentum.ToString("R", CultureInfo.InvariantCulture),
            "--epochs", s.Epochs.ToString(CultureInfo.InvariantCulture),
            "--threads", s.Threads.ToString(CultureInfo.InvariantCulture),
            "--seed", s.Seed.ToString(CultureInfo.InvariantCulture),
        ];
        var (exit, stdout, stderr) = Execute(s.Python, args);
        if (exit != 0)
            throw new InvalidOperationException($"pytorch_reference.py failed (exit {exit}): {stderr.Trim()}");
        string json = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        using var doc = JsonDocument.Parse(json);
        JsonElement r = doc.RootElement;
        return new RunResult(
            r.GetProperty("framework").GetString() ?? "PyTorch", batchSize,
            r.GetProperty("train_images_per_second").GetDouble(),
            r.GetProperty("train_seconds").GetDouble(),
            r.GetProperty("inference_images_per_second").GetDouble(),
            r.GetProperty("test_accuracy").GetDouble(),
            null, null, load);
    }

    private static (int? Exit, string Stdout, string Stderr) Execute(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout, stderr.Result);
        }
        catch (Win32Exception e)
        {
            return (null, "", e.Message);
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
}
