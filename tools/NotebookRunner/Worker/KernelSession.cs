using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using NotebookRunner.Notebooks;

namespace NotebookRunner.Worker;

/// <summary>
/// One notebook's kernel: each cell is a <c>SubmitCode</c> to the real C# kernel, and the kernel's events become the
/// cell's nbformat outputs the way the kernel's Jupyter front end turns them into Jupyter messages. Lives in a worker
/// process of its own, so one notebook's formatters and console never leak into the next.
/// </summary>
internal sealed partial class KernelSession : IDisposable
{
    private readonly CompositeKernel _kernel = NotebookKernel.Create();
    private readonly ConcurrentDictionary<int, CellOutputs> _outputs = new();
    private readonly ConcurrentDictionary<string, CellOutputs> _displays = new(StringComparer.Ordinal);
    private readonly IDisposable _subscription;
    private int _executionCount;
    private int _resultCount;   // the execution count an execute_result of the running cell carries

    public KernelSession() => _subscription = _kernel.KernelEvents.Subscribe(OnEvent);

    /// <summary>The cell that is running, which printed text and displays go to.</summary>
    public CellOutputs? Current { get; private set; }

    /// <summary>Compiles and runs a statement that shows nothing, so the first cell's time (and time limit) is its own.</summary>
    public async Task WarmUpAsync() => await _kernel.SendAsync(new SubmitCode("System.Linq.Enumerable.Range(0, 3).Select(i => i.ToString()).Count();"));

    /// <summary>Every cell whose outputs changed since the last call (the running one, or an earlier one after an update).</summary>
    public IEnumerable<CellOutputs> TakeDirty()
    {
        foreach (var cell in _outputs.Values.Where(c => c.Dirty).OrderBy(c => c.Cell).ToList())
        {
            cell.Dirty = false;
            yield return cell;
        }
    }

    /// <summary>Runs one cell. Returns its execution count and, when it went wrong, where and why.</summary>
    public async Task<(int ExecutionCount, CellFailure? Failure)> RunCellAsync(JobCell cell)
    {
        var outputs = new CellOutputs(cell.Number);
        _outputs[cell.Number] = outputs;
        int count = ++_executionCount;
        _resultCount = count;
        Current = outputs;
        KernelCommandResult result;
        try
        {
            result = await _kernel.SendAsync(new SubmitCode(cell.Source));
        }
        finally
        {
            Current = null;
        }

        var failed = result.Events.OfType<CommandFailed>().FirstOrDefault();
        if (failed is not null)
        {
            var failure = Failure(cell, outputs, failed, result.Events.OfType<DiagnosticsProduced>());
            return (count, cell.RaisesException ? null : failure);
        }
        if (cell.RaisesException)
        {
            var message = "the cell is tagged raises-exception but did not throw. Remove the tag, or fix the cell so it shows the error it is meant to.";
            outputs.AddError("MissingExpectedException", message, [message]);
            return (count, new CellFailure(cell.Number, null, null, message));
        }
        return (count, null);
    }

    /// <summary>Kernel events to outputs, as the kernel's Jupyter front end sends them.</summary>
    private void OnEvent(KernelEvent e)
    {
        var cell = Current;
        switch (e)
        {
            case DisplayedValueUpdated updated:
                if (updated.ValueId is { } id && _displays.TryGetValue(id, out var owner)) owner.Update(id, Bundle(updated));
                break;
            case ReturnValueProduced { Value: DisplayedValue }:
                break;   // display(x) as a cell's last expression: already shown
            case ReturnValueProduced returned:
                cell?.AddResult(Bundle(returned), _resultCount);
                break;
            case StandardOutputValueProduced printed:
                cell?.Write("stdout", PlainText(printed));
                break;
            case StandardErrorValueProduced or ErrorProduced:
                cell?.Write("stderr", PlainText((DisplayEvent)e));
                break;
            case DisplayedValueProduced shown when cell is not null:
                cell.AddDisplay(shown.ValueId, Bundle(shown));
                if (shown.ValueId is { } shownId) _displays[shownId] = cell;
                break;
            case DiagnosticsProduced { FormattedDiagnostics.Count: > 0 } diagnostics:
                // Warnings and errors, spaced out on stderr (as Jupyter shows them).
                cell?.Write("stderr", "\n" + string.Join("\n\n", diagnostics.FormattedDiagnostics.Select(d => d.Value)) + "\n\n");
                break;
        }
    }

    private static JsonObject Bundle(DisplayEvent e)
    {
        var data = new JsonObject();
        foreach (var value in e.FormattedValues)
            data[value.MimeType] = Notebook.ToLines(value.Value.ReplaceLineEndings("\n"));
        return data;
    }

    private static string PlainText(DisplayEvent e) =>
        (e.FormattedValues.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value ?? e.Value?.ToString() ?? "")
            .ReplaceLineEndings("\n");

    private static CellFailure Failure(JobCell cell, CellOutputs outputs, CommandFailed failed, IEnumerable<DiagnosticsProduced> diagnostics)
    {
        var errors = diagnostics.SelectMany(d => d.Diagnostics).Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        if (failed.Exception is CodeSubmissionCompilationErrorException && errors.Count > 0)
        {
            // The kernel has shown the diagnostics on stderr; its positions are within the cell, 0-based.
            var first = errors[0];
            var message = $"{first.Code}: {first.Message}" + (errors.Count > 1 ? $" (+{errors.Count - 1} more error{(errors.Count > 2 ? "s" : "")})" : "");
            outputs.AddError("CompilationError", message, errors.Select(d => $"({d.LinePositionSpan.Start.Line + 1},{d.LinePositionSpan.Start.Character + 1}): error {d.Code}: {d.Message}"));
            return new CellFailure(cell.Number, first.LinePositionSpan.Start.Line + 1, first.LinePositionSpan.Start.Character + 1, message);
        }

        if (failed.Exception is { } exception)
        {
            // The kernel compiles cells without line information, so a runtime error names the method it was thrown in.
            var thrownIn = exception.StackTrace?.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim())
                .FirstOrDefault(l => l.StartsWith("at ", StringComparison.Ordinal));
            var where = thrownIn is null ? "" : $" (thrown {SubmissionPrefix().Replace(thrownIn, "")})";
            outputs.AddError(exception.GetType().Name, exception.Message, TraceLines(failed.Message));
            return new CellFailure(cell.Number, null, null, $"{exception.GetType().FullName}: {exception.Message}{where}");
        }

        // No exception: a directive failed, such as #r "nuget:" with a package that cannot be restored.
        var text = RestoreMessage(failed.Message);
        outputs.AddError("Error", text, text.Split('\n'));
        int? line = null;
        var lines = cell.Source.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length && line is null; i++)
            if (NuGetDirective().IsMatch(lines[i])) line = i + 1;
        return new CellFailure(cell.Number, line, line is null ? null : 1, text);
    }

    /// <summary>NuGet's lines without the generated project's path in front of each (the hints, such as the nearest version, stay).</summary>
    private static string RestoreMessage(string message) =>
        string.Join("\n", message.ReplaceLineEndings("\n").Split('\n')
            .Select(l => ProjectPrefix().Replace(l, "").TrimEnd())
            .Where(l => l.Length > 0)
            .Distinct());

    /// <summary>The exception as text, without the scripting engine's own frames below the submission.</summary>
    private static IEnumerable<string> TraceLines(string text) =>
        text.ReplaceLineEndings("\n").Split('\n')
            .Where(l => !l.Contains("Microsoft.CodeAnalysis.Scripting.", StringComparison.Ordinal)
                        && !l.Contains("--- End of stack trace from previous location ---", StringComparison.Ordinal));

    public void Dispose()
    {
        _subscription.Dispose();
        _kernel.Dispose();
    }

    [GeneratedRegex(@"Submission#\d+\.")]
    private static partial Regex SubmissionPrefix();

    [GeneratedRegex(@"^\S*\.(fs|cs)proj : ")]
    private static partial Regex ProjectPrefix();

    [GeneratedRegex(@"^\s*#r\s+""nuget:")]
    private static partial Regex NuGetDirective();
}
