using System.Diagnostics;

namespace NotebookRunner.Tests;

/// <summary>
/// Validates notebooks against the nbformat 4 JSON schema with the reference implementation, Jupyter's own
/// nbformat package (Debian: python3-nbformat). Missing nbformat is a failure with instructions, never a pass.
/// </summary>
internal static class NbformatValidator
{
    private const string Script = """
        import json, sys, nbformat
        bad = 0
        for path in sys.argv[1:]:
            with open(path, encoding="utf-8") as f:
                nb = json.load(f)
            try:
                nbformat.validate(nb, version=4)
            except nbformat.ValidationError as e:
                bad += 1
                print(f"{path}: {e.message}")
        sys.exit(1 if bad else 0)
        """;

    public static void AssertValid(IEnumerable<string> notebooks)
    {
        var paths = notebooks.ToList();
        Assert.NotEmpty(paths);
        var python = FindPythonWithNbformat() ?? throw new Xunit.Sdk.XunitException(
            "Validating notebooks needs Jupyter's nbformat for Python 3: install it with `apt-get install -y python3-nbformat` " +
            "(Debian) or `pip install nbformat`.");
        var (exitCode, output) = RunPython(python, ["-c", Script, .. paths]);
        Assert.True(exitCode == 0, $"nbformat 4 validation failed:\n{output}");
    }

    private static string? FindPythonWithNbformat() =>
        new[] { "python3", "/usr/bin/python3" }.FirstOrDefault(p =>
        {
            try { return RunPython(p, ["-c", "import nbformat"]).ExitCode == 0; }
            catch (System.ComponentModel.Win32Exception) { return false; }
        });

    private static (int ExitCode, string Output) RunPython(string python, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
