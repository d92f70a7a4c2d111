using System.Diagnostics;

namespace NotebookRunner.Tests;

/// <summary>Runs a program to completion and collects what it printed.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Variables that <c>dotnet test</c> sets for its own MSBuild; a child that builds (the runner's and the kernel's
    /// NuGet restore) must find the SDK's own instead.
    /// </summary>
    private static readonly string[] TestHostBuildVariables = ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH"];

    public static RunResult Run(string program, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var name in TestHostBuildVariables) start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? Timeout.InfiniteTimeSpan))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new RunResult(-1, stdout.Result, stderr.Result + $"\n[stopped after {timeout!.Value.TotalSeconds:0} s]", clock.Elapsed);
        }
        process.WaitForExit();
        return new RunResult(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    /// <summary>True when the program can be started and exits with 0 (a probe for an optional tool).</summary>
    public static bool Succeeds(string program, params string[] arguments)
    {
        try
        {
            return Run(program, arguments, Directory.GetCurrentDirectory(), timeout: TimeSpan.FromMinutes(1)).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;   // not installed
        }
    }
}
