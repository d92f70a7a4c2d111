using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NotebookRunner;

/// <summary>What the supervisor asks a worker process to run (sent as one JSON document on its standard input).</summary>
/// <param name="NotebookPath">The notebook, for messages and the script file names that stack traces show.</param>
/// <param name="Cells">The C# cells to run, in order; skipped cells are not sent.</param>
internal sealed record WorkerJob(string NotebookPath, IReadOnlyList<JobCell> Cells);

/// <param name="Number">1-based cell number in the notebook.</param>
/// <param name="Source">The C# to run (the solution, in --solutions mode).</param>
/// <param name="RaisesException">Tagged <c>raises-exception</c>: the cell must throw.</param>
internal sealed record JobCell(int Number, string Source, bool RaisesException);

/// <summary>Where a cell went wrong. Line and column are 1-based within the cell (null when unknown); no cell: the notebook itself.</summary>
internal sealed record CellFailure(int? Cell, int? Line, int? Column, string Message);

/// <summary>One message from a worker: a cell started, its outputs changed, it ended (ok or with a failure), or the notebook is done.</summary>
internal sealed record WorkerEvent(string Kind, int Cell, JsonArray? Outputs = null, int? ExecutionCount = null, CellFailure? Failure = null)
{
    public const string KindStart = "start";
    public const string KindOutputs = "outputs";
    public const string KindEnd = "end";
    public const string KindDone = "done";

    /// <summary>Worker events share standard output with anything a native library prints; the prefix tells them apart.</summary>
    public const string LinePrefix = "@@notebook-runner ";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
