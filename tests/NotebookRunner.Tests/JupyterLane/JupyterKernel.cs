namespace NotebookRunner.Tests;

/// <summary>
/// The student's Jupyter path, for the tests: the kernel pinned in .config/dotnet-tools.json, its kernelspec installed
/// into a temporary Jupyter data folder (nothing is added to the user's own Jupyter), and notebooks executed through
/// Jupyter's own client, nbclient, the protocol JupyterLab and VS Code's Jupyter extension speak.
/// </summary>
internal sealed class JupyterKernel
{
    public const string KernelName = ".net-csharp";

    private static readonly string Script = Path.Combine(RunnerProcess.RepositoryRoot, "tests", "NotebookRunner.Tests", "JupyterLane", "execute_notebook.py");

    private readonly string _python;
    private readonly string _jupyterFolder;

    private JupyterKernel(string python, string jupyterFolder)
    {
        _python = python;
        _jupyterFolder = jupyterFolder;
    }

    /// <summary>A Python 3 that can import nbclient and nbformat (Debian's python3-nbclient lives in /usr/bin), or null.</summary>
    public static string? FindPython() =>
        new[] { "python3", "/usr/bin/python3" }.FirstOrDefault(p => ChildProcess.Succeeds(p, "-c", "import nbclient, nbformat"));

    /// <summary>Restores the pinned kernel, as a student does: <c>dotnet tool restore</c> in the repository.</summary>
    public static void Restore()
    {
        var restore = ChildProcess.Run("dotnet", ["tool", "restore"], RunnerProcess.RepositoryRoot, timeout: TimeSpan.FromMinutes(10));
        Assert.True(restore.ExitCode == 0, $"`dotnet tool restore` (the kernel pinned in .config/dotnet-tools.json) failed:\n{restore.Log}");
    }

    /// <summary>
    /// Installs the kernelspecs with <c>dotnet interactive jupyter install</c> into a new temporary folder.
    /// </summary>
    /// <param name="python">The Python that runs nbclient.</param>
    /// <param name="httpPorts">
    /// The kernel also serves HTTP on the first free port of a range (default 2048-3000), and two kernels that start
    /// at the same moment both pick the same port: one dies with "address already in use". Kernels that run side by
    /// side therefore each get a range of their own.
    /// </param>
    public static JupyterKernel Install(string python, string httpPorts)
    {
        var folder = RunnerProcess.NewOutputFolder("jupyter");
        var kernels = Path.Combine(folder, "data", "kernels");
        Directory.CreateDirectory(kernels);
        var install = ChildProcess.Run("dotnet", ["interactive", "jupyter", "install", "--path", kernels, "--http-port-range", httpPorts],
            RunnerProcess.RepositoryRoot, timeout: TimeSpan.FromMinutes(5));
        var spec = Path.Combine(kernels, KernelName, "kernel.json");
        Assert.True(install.ExitCode == 0 && File.Exists(spec),
            $"`dotnet interactive jupyter install --path {kernels}` did not install {spec}:\n{install.Log}");
        return new JupyterKernel(python, folder);
    }

    /// <summary>
    /// Executes a notebook in the kernel, in <paramref name="workingDirectory"/> (the notebook's folder in the editor),
    /// and saves the executed copy. Errors stay in the outputs for the caller to judge.
    /// </summary>
    public RunResult Execute(string notebook, string executedCopy, string workingDirectory, TimeSpan cellTimeout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(executedCopy)!);
        var environment = new Dictionary<string, string>
        {
            ["JUPYTER_DATA_DIR"] = Path.Combine(_jupyterFolder, "data"),
            ["JUPYTER_CONFIG_DIR"] = Path.Combine(_jupyterFolder, "config"),
            ["JUPYTER_RUNTIME_DIR"] = Path.Combine(_jupyterFolder, "runtime"),
            ["JUPYTER_PATH"] = Path.Combine(_jupyterFolder, "data"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        return ChildProcess.Run(_python,
            [Script, KernelName, workingDirectory, cellTimeout.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture), notebook, executedCopy],
            workingDirectory, environment, timeout: TimeSpan.FromMinutes(20));
    }

    /// <summary>The kernel logs every start-up step as "info: …" blocks; a failure report keeps the rest.</summary>
    public static string WithoutInfoLogs(string log)
    {
        var kept = new List<string>();
        bool inInfo = false;
        foreach (var line in log.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith("info: ", StringComparison.Ordinal)) { inInfo = true; continue; }
            if (inInfo && line.StartsWith("      ", StringComparison.Ordinal)) continue;
            inInfo = false;
            kept.Add(line);
        }
        var text = string.Join("\n", kept).Trim();
        return text.Length <= 6000 ? text : "…" + text[^6000..];
    }
}
