using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace NotebookRunner.Worker;

/// <summary>
/// Restores <c>#r "nuget:"</c> packages the way the kernel did: a generated project that references them is
/// restored and built against the sources of the repository's nuget.config, and the assemblies of the whole package
/// closure are referenced. Each package set is built once and cached by a hash of the set and the nuget.config.
/// </summary>
internal sealed class NuGetRestorer
{
    private const string TargetFramework = "net10.0";   // the runner's own framework: the assemblies load into it
    private const string AssemblyListFile = "assemblies.txt";
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    private readonly string? _nugetConfig;
    private readonly string _cacheRoot;
    private readonly HashSet<string> _runnerAssemblies;

    public NuGetRestorer(string notebookDirectory, string? cacheRoot)
    {
        _nugetConfig = FindNuGetConfig(notebookDirectory);
        _cacheRoot = cacheRoot
            ?? (_nugetConfig is null
                ? Path.Combine(Path.GetTempPath(), "notebook-runner", "nuget-cache")
                : Path.Combine(Path.GetDirectoryName(_nugetConfig)!, "artifacts", "nuget-cache"));
        // The runner's own assemblies (Roslyn, Formatting, the framework) are already loaded; a package's copy of
        // one of them would clash, so the runner's copy wins.
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator);
        _runnerAssemblies = tpa.Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The nuget.config the packages are restored with (the nearest one above the notebook), if any.</summary>
    public string? NuGetConfig => _nugetConfig;

    /// <summary>Restores the packages and returns the paths of the assemblies to reference.</summary>
    /// <exception cref="NuGetRestoreException">The restore failed; the message carries NuGet's errors.</exception>
    public IReadOnlyList<string> Restore(IReadOnlyCollection<PackageRequest> packages)
    {
        var ordered = packages.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var configText = _nugetConfig is null ? "" : File.ReadAllText(_nugetConfig);
        var key = Hash(TargetFramework + "\n" + string.Join("\n", ordered) + "\n" + configText);
        var folder = Path.Combine(_cacheRoot, key);
        var listFile = Path.Combine(folder, AssemblyListFile);

        if (TryReadCached(listFile) is { } cached) return cached;

        Directory.CreateDirectory(folder);
        IsolateFromRepositoryBuildSettings();
        using var _ = AcquireLock(Path.Combine(folder, ".lock"));
        if (TryReadCached(listFile) is { } builtMeanwhile) return builtMeanwhile;

        var project = Path.Combine(folder, "restore.csproj");
        File.WriteAllText(project, ProjectXml(ordered));
        if (_nugetConfig is not null) File.Copy(_nugetConfig, Path.Combine(folder, "nuget.config"), overwrite: true);
        var output = Path.Combine(folder, "out");
        var (exitCode, log) = RunDotnet(folder, "build", project, "-c", "Release", "-o", output, "-nologo", "-v", "q");
        if (exitCode != 0)
            throw new NuGetRestoreException(
                $"Could not restore {string.Join(", ", ordered)} (sources from {_nugetConfig ?? "the default NuGet configuration"}):"
                + Environment.NewLine + ErrorLines(log));

        var assemblies = Directory.GetFiles(output, "*.dll")
            .Where(p => !Path.GetFileName(p).Equals("restore.dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => !_runnerAssemblies.Contains(Path.GetFileNameWithoutExtension(p)))
            .Order(StringComparer.Ordinal)
            .ToList();
        // Written last and atomically: its presence means the folder is complete.
        var temp = listFile + ".tmp";
        File.WriteAllLines(temp, assemblies);
        File.Move(temp, listFile, overwrite: true);
        return assemblies;
    }

    private static IReadOnlyList<string>? TryReadCached(string listFile)
    {
        if (!File.Exists(listFile)) return null;
        var paths = File.ReadAllLines(listFile).Where(l => l.Length > 0).ToList();
        return paths.All(File.Exists) ? paths : null;
    }

    /// <summary>
    /// The cache usually sits inside the repository, whose Directory.Build.props turns warnings into errors;
    /// empty files at the cache root stop MSBuild from importing it into the generated project.
    /// </summary>
    private void IsolateFromRepositoryBuildSettings()
    {
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            var path = Path.Combine(_cacheRoot, name);
            if (!File.Exists(path)) File.WriteAllText(path, "<Project />\n");
        }
    }

    private static string ProjectXml(IEnumerable<PackageRequest> packages)
    {
        var references = string.Concat(packages.Select(p =>
            $"    <PackageReference Include=\"{System.Security.SecurityElement.Escape(p.Name)}\" Version=\"{System.Security.SecurityElement.Escape(p.Version ?? "*")}\" />\n"));
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <!-- Generated by the notebook runner for #r "nuget:" references. -->
              <PropertyGroup>
                <TargetFramework>{TargetFramework}</TargetFramework>
                <EnableDefaultItems>false</EnableDefaultItems>
                <CopyLocalLockFileAssemblies>true</CopyLocalLockFileAssemblies>
                <GenerateDependencyFile>false</GenerateDependencyFile>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>

            """;
    }

    private static (int ExitCode, string Log) RunDotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The runner may itself run under `dotnet test` or `dotnet run`; keep their MSBuild settings out of this build.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>NuGet's error lines ("error NU1102: Unable to find package …"), without the project path or duplicates.</summary>
    private static string ErrorLines(string log)
    {
        var errors = log.Split('\n')
            .Select(l => l.Trim())
            .Select(l => l.IndexOf(": error ", StringComparison.Ordinal) is var at and >= 0 ? l[(at + 2)..] : null)
            .OfType<string>()
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\s*\[[^\]]*\]$", ""))
            .Distinct()
            .ToList();
        return errors.Count > 0 ? string.Join(Environment.NewLine, errors) : log.Trim();
    }

    private static string? FindNuGetConfig(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var config = dir.EnumerateFiles().FirstOrDefault(f => f.Name.Equals("nuget.config", StringComparison.OrdinalIgnoreCase));
            if (config is not null) return config.FullName;
        }
        return null;
    }

    private static FileStream AcquireLock(string path)
    {
        // Two notebooks (or two test runs) asking for the same set build it once: the second waits, then reads the cache.
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static string Hash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
}

/// <summary>A <c>#r "nuget:"</c> package could not be restored.</summary>
internal sealed class NuGetRestoreException(string message) : Exception(message);
