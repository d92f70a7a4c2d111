using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace NotebookRunner.Supervisor;

/// <summary>
/// One worker process (this program with <c>--worker</c>): it starts the kernel and compiles a first statement as soon
/// as it is started, then waits for its notebook on standard input. What it writes to standard error is kept for the
/// report when it dies.
/// </summary>
internal sealed class KernelWorker : IDisposable
{
    private readonly StringBuilder _stderr = new();

    private KernelWorker(Process process)
    {
        Process = process;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString().Trim(); }
    }

    /// <summary>Starts this same program in worker mode (through dotnet when it runs as a .dll).</summary>
    public static KernelWorker Start()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(KernelWorker).Assembly.Location);
        start.ArgumentList.Add(RunnerOptions.WorkerFlag);
        // Under `dotnet run` or `dotnet test` these point at their own MSBuild; the kernel's NuGet restore needs the SDK's.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH" }) start.Environment.Remove(name);
        return new KernelWorker(Process.Start(start) ?? throw new InvalidOperationException($"Could not start the worker process {host}."));
    }

    /// <summary>
    /// Sends the notebook and closes standard input. Not awaited before reading the worker's events: a worker still
    /// warming up reads it when it is ready, and one that died is reported by its exit, not by a broken pipe here.
    /// </summary>
    public async Task SendAsync(WorkerJob job)
    {
        try
        {
            await Process.StandardInput.WriteAsync(JsonSerializer.Serialize(job, WorkerEvent.Json));
            Process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Stops the worker if it is still running (a runaway cell, a worker that lingers, a spare never used).</summary>
    public void Dispose()
    {
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it exited meanwhile
        }
        Process.Dispose();
    }
}
