using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Html;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.DotNet.Interactive.Formatting;

namespace NotebookRunner.Worker;

/// <summary>
/// One notebook's Roslyn scripting session: cells are submissions chained on one state, as in the C# kernel.
/// Lives in a worker process of its own, so Console and Formatter registrations are this notebook's alone.
/// </summary>
internal sealed class NotebookSession
{
    /// <summary>The C# kernel's default usings (the notebook adds its own on top).</summary>
    private static readonly string[] KernelImports =
    [
        "System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq",
        "Microsoft.DotNet.Interactive.Formatting",
    ];

    /// <summary>
    /// What the kernel submitted before the first cell: usings that options cannot express. The expression after
    /// them has no effect but binds, emits and runs code, so the compiler is warm before the first timed cell.
    /// </summary>
    private const string KernelPrelude = """
        using static Microsoft.DotNet.Interactive.Formatting.PocketViewTags;
        System.Linq.Enumerable.Range(0, 3).Select(i => i.ToString()).Count()
        """;

    private readonly string _notebookPath;
    private readonly string _directory;
    private readonly NuGetRestorer _nuget;
    private readonly HashSet<PackageRequest> _packages = [];
    private readonly HashSet<string> _packageAssemblies = new(StringComparer.Ordinal);
    private readonly Dictionary<int, CellOutputs> _outputs = [];
    private readonly NotebookGlobals _globals;
    private ScriptOptions _options;
    private ScriptState<object>? _state;
    private int _executionCount;

    public NotebookSession(string notebookPath, string? nugetCache)
    {
        _notebookPath = notebookPath;
        _directory = Path.GetDirectoryName(notebookPath)!;
        _nuget = new NuGetRestorer(_directory, nugetCache);
        _globals = new NotebookGlobals(this);
        _options = ScriptOptions.Default
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithEmitDebugInformation(true)   // line numbers in stack traces
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(_directory))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(_directory))
            .WithReferences(FrameworkReferences())
            .AddReferences(typeof(Formatter).Assembly, typeof(IHtmlContent).Assembly, typeof(NotebookGlobals).Assembly)
            .WithImports(KernelImports);
        Formatter.ResetToDefault();
    }

    /// <summary>
    /// Submits the kernel's prelude. It also warms up the compiler, so the first cell's time (and time limit)
    /// is the cell's own.
    /// </summary>
    public async Task StartAsync() =>
        _state = await CSharpScript.Create(KernelPrelude, _options, typeof(NotebookGlobals)).RunAsync(_globals);

    /// <summary>The cell that is running, which Console writes and display() go to.</summary>
    public CellOutputs? Current { get; private set; }

    /// <summary>Every cell whose outputs changed since the last call (the running one, or an earlier one after Update).</summary>
    public IEnumerable<CellOutputs> TakeDirty()
    {
        foreach (var cell in _outputs.Values.Where(c => c.Dirty).OrderBy(c => c.Cell).ToList())
        {
            cell.Dirty = false;
            yield return cell;
        }
    }

    /// <summary>The file name a cell compiles as: stack traces then read "01-data.cell7.csx:line 3".</summary>
    public string CellFilePath(int cell) =>
        Path.Combine(_directory, $"{Path.GetFileNameWithoutExtension(_notebookPath)}.cell{cell}.csx");

    /// <summary>Runs one cell. Returns its execution count and, when it went wrong, where and why.</summary>
    public async Task<(int ExecutionCount, CellFailure? Failure)> RunCellAsync(JobCell cell)
    {
        var outputs = new CellOutputs(cell.Number);
        _outputs[cell.Number] = outputs;
        Current = outputs;
        int count = ++_executionCount;
        try
        {
            return (count, await RunAsync(cell, outputs, count));
        }
        finally
        {
            Current = null;
        }
    }

    private async Task<CellFailure?> RunAsync(JobCell cell, CellOutputs outputs, int count)
    {
        var (code, packages) = Magics.ExtractNuGet(cell.Source);
        if (packages.Count > 0 && RestorePackages(cell, outputs, packages) is { } restoreFailure)
            return restoreFailure;

        var options = _options.WithFilePath(CellFilePath(cell.Number));
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(code));
        var script = _state?.Script.ContinueWith(stream, options)
            ?? throw new InvalidOperationException("StartAsync must run before the first cell.");

        var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0) return CompileFailure(cell, outputs, errors);

        ScriptState<object> state;
        try
        {
            state = await script.RunFromAsync(_state, catchException: _ => true);
        }
        finally
        {
            await Console.Out.FlushAsync();
        }
        _state = state;

        if (state.Exception is { } exception)
        {
            var failure = RuntimeFailure(cell, outputs, exception);
            return cell.RaisesException ? null : failure;
        }
        if (cell.RaisesException)
        {
            var message = "the cell is tagged raises-exception but did not throw. Remove the tag, or fix the cell so it shows the error it is meant to.";
            outputs.AddError("MissingExpectedException", message, [message]);
            return new CellFailure(cell.Number, null, null, message);
        }
        if (HasResultValue(script))
            outputs.AddResult(MimeBundle.Format(state.ReturnValue, []), count);
        return null;
    }

    /// <summary>Shows a value in the running cell (the kernel's <c>display</c>).</summary>
    public DisplayedValue Display(object? value, string[] mimeTypes)
    {
        var cell = Current ?? throw new InvalidOperationException("display() was called while no cell is running (from a background thread after its cell ended?).");
        int index = cell.AddDisplay(MimeBundle.Format(value, mimeTypes));
        return new DisplayedValue(cell, index, mimeTypes);
    }

    private CellFailure? RestorePackages(JobCell cell, CellOutputs outputs, IReadOnlyList<(PackageRequest Package, int Line)> packages)
    {
        // Like the kernel, a later cell's packages are restored together with the earlier ones, so versions agree.
        foreach (var (package, _) in packages) _packages.Add(package);
        IReadOnlyList<string> assemblies;
        try
        {
            assemblies = _nuget.Restore(_packages);
        }
        catch (NuGetRestoreException e)
        {
            outputs.AddError("NuGetRestoreError", e.Message, e.Message.Split(Environment.NewLine));
            return new CellFailure(cell.Number, packages[0].Line, 1, e.Message);
        }
        var added = assemblies.Where(_packageAssemblies.Add).ToList();
        _options = _options.AddReferences(added.Select(p => MetadataReference.CreateFromFile(p)));
        // As the kernel shows it: a display, not printed text.
        var items = string.Concat(packages.Select(p => p.Package).OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .Select(p => $"<li><span>{System.Net.WebUtility.HtmlEncode(p.Name)}, {System.Net.WebUtility.HtmlEncode(p.Version ?? "")}</span></li>"));
        outputs.AddDisplay(new JsonObject { [MimeBundle.Html] = $"<div><strong>Installed Packages</strong><ul>{items}</ul></div>" });
        return null;
    }

    private CellFailure CompileFailure(JobCell cell, CellOutputs outputs, List<Diagnostic> errors)
    {
        var first = errors[0];
        var (line, column, where) = Locate(first, cell.Number);
        int? knownLine = line > 0 ? line : null, knownColumn = line > 0 ? column : null;
        var messages = errors.Select(d =>
        {
            var (l, c, w) = Locate(d, cell.Number);
            return $"{w}({l},{c}): error {d.Id}: {d.GetMessage()}";
        }).ToList();
        outputs.AddError("CompilationError", string.Join("\n", messages), messages);
        var message = $"{first.Id}: {first.GetMessage()}" + (where == "" ? "" : $" (in {where})")
            + (errors.Count > 1 ? $" (+{errors.Count - 1} more error{(errors.Count > 2 ? "s" : "")})" : "");
        return new CellFailure(cell.Number, knownLine, knownColumn, message);
    }

    /// <summary>Line and column of a diagnostic, 1-based; <c>where</c> names a #load-ed file when it is not the cell.</summary>
    private (int Line, int Column, string Where) Locate(Diagnostic diagnostic, int cell)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        if (!span.IsValid) return (0, 0, "");
        var where = span.Path == CellFilePath(cell) ? "" : Path.GetRelativePath(_directory, span.Path);
        return (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, where);
    }

    private CellFailure RuntimeFailure(JobCell cell, CellOutputs outputs, Exception exception)
    {
        if (exception is TargetInvocationException { InnerException: { } inner }) exception = inner;
        var frames = new StackTrace(exception, fNeedFileInfo: true).GetFrames();
        var cellPath = CellFilePath(cell.Number);
        // The line in this cell; the exception may come from a method an earlier cell defined, called here.
        var frame = frames.FirstOrDefault(f => f.GetFileName() == cellPath);
        int? line = frame?.GetFileLineNumber() is > 0 and var l ? l : null;
        var origin = frames.FirstOrDefault(f => f.GetFileName() is { } file && file != cellPath && file.EndsWith(".csx", StringComparison.Ordinal));
        var called = origin is null || frame is null ? ""
            : $" (thrown in {Path.GetFileName(origin.GetFileName())} line {origin.GetFileLineNumber()})";
        outputs.AddError(exception.GetType().Name, exception.Message, TraceLines(exception));
        return new CellFailure(cell.Number, line, null, $"{exception.GetType().FullName}: {exception.Message}{called}");
    }

    /// <summary>The exception as text, without the scripting engine's own frames below the submission.</summary>
    private static IEnumerable<string> TraceLines(Exception exception) =>
        exception.ToString().ReplaceLineEndings("\n").Split('\n')
            .Where(l => !l.Contains("Microsoft.CodeAnalysis.Scripting.", StringComparison.Ordinal)
                        && !l.Contains("--- End of stack trace from previous location ---", StringComparison.Ordinal));

    /// <summary>
    /// The kernel shows the value of a cell that ends in an expression without a semicolon (and not of type void).
    /// </summary>
    private static bool HasResultValue(Script<object> script)
    {
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.LastOrDefault(t => t.FilePath == script.Options.FilePath);
        if (tree?.GetRoot() is not CompilationUnitSyntax root) return false;
        if (root.Members.LastOrDefault() is not GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }
            || !statement.SemicolonToken.IsMissing)
            return false;
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }

    /// <summary>The whole shared framework, as an SDK project references it, so no framework type needs a #r.</summary>
    private static IEnumerable<MetadataReference> FrameworkReferences()
    {
        var directory = RuntimeEnvironment.GetRuntimeDirectory();
        return Directory.GetFiles(directory, "*.dll")
            .Where(p => Path.GetFileName(p) is var name
                        && (name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal)
                            || name is "netstandard.dll" or "mscorlib.dll")
                        && !name.StartsWith("Microsoft.DiaSymReader", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p));
    }
}
