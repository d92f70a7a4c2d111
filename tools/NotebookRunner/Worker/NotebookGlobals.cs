using Microsoft.AspNetCore.Html;

namespace NotebookRunner.Worker;

/// <summary>
/// The members a notebook sees as globals, named as the .NET Interactive C# kernel named them
/// (<c>display</c>, <c>HTML</c>), so a notebook written for Polyglot Notebooks runs unchanged.
/// </summary>
public sealed class NotebookGlobals
{
    private readonly NotebookSession _session;

    internal NotebookGlobals(NotebookSession session) => _session = session;

    /// <summary>Shows a value below the cell (formatted through Microsoft.DotNet.Interactive.Formatting).</summary>
    /// <param name="value">The value to show.</param>
    /// <param name="mimeTypes">The mime types to format it as; by default text/html and text/plain.</param>
    /// <returns>A handle whose <see cref="DisplayedValue.Update"/> replaces this output in place.</returns>
    public DisplayedValue display(object? value, params string[] mimeTypes) => _session.Display(value, mimeTypes);

    /// <summary>Wraps a string of HTML so that it is displayed as HTML, not as text.</summary>
    /// <param name="content">The HTML markup.</param>
    public IHtmlContent HTML(string content) => new HtmlString(content);
}

/// <summary>An output shown with <c>display(...)</c>; <see cref="Update"/> replaces it, like the kernel's DisplayedValue.</summary>
public sealed class DisplayedValue
{
    private readonly CellOutputs _cell;
    private readonly int _index;
    private readonly string[] _mimeTypes;

    internal DisplayedValue(CellOutputs cell, int index, string[] mimeTypes)
    {
        _cell = cell;
        _index = index;
        _mimeTypes = mimeTypes;
        DisplayId = Guid.NewGuid().ToString("N");
    }

    /// <summary>An identifier for this output, as the kernel gave one.</summary>
    public string DisplayId { get; }

    /// <summary>Replaces the displayed output with <paramref name="updatedValue"/>, wherever (in whichever cell) it was shown.</summary>
    /// <param name="updatedValue">The new value to show.</param>
    public void Update(object? updatedValue) => _cell.Replace(_index, MimeBundle.Format(updatedValue, _mimeTypes));
}
