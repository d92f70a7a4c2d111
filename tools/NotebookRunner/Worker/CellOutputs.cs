using System.Text;
using System.Text.Json.Nodes;
using NotebookRunner.Notebooks;

namespace NotebookRunner.Worker;

/// <summary>
/// The outputs of one cell as the kernel produces them: printed text merged into <c>stream</c> outputs, displayed
/// values (updatable by their display id), the result, an error. Events can come from any thread (a parallel training
/// loop printing progress).
/// </summary>
internal sealed class CellOutputs(int cell)
{
    private readonly List<Output> _outputs = [];
    private readonly object _gate = new();

    public int Cell { get; } = cell;

    /// <summary>Set whenever the outputs change, so the worker re-sends them (an update can touch an earlier cell).</summary>
    public bool Dirty { get; set; }

    public void Write(string streamName, string text)
    {
        if (text.Length == 0) return;
        lock (_gate)
        {
            // Consecutive writes to the same stream form one output, as Jupyter shows them.
            if (_outputs.Count > 0 && _outputs[^1] is StreamOutput last && last.Name == streamName)
                last.Text.Append(text);
            else
                _outputs.Add(new StreamOutput(streamName, new StringBuilder(text)));
            Dirty = true;
        }
    }

    public void AddDisplay(string? displayId, JsonObject data)
    {
        lock (_gate)
        {
            _outputs.Add(new DataOutput("display_data", data, null, displayId));
            Dirty = true;
        }
    }

    /// <summary>Replaces every display shown with this id (the kernel's DisplayedValue.Update).</summary>
    public void Update(string displayId, JsonObject data)
    {
        lock (_gate)
        {
            for (int i = 0; i < _outputs.Count; i++)
                if (_outputs[i] is DataOutput { DisplayId: var id } shown && id == displayId)
                    _outputs[i] = shown with { Data = data };
            Dirty = true;
        }
    }

    public void AddResult(JsonObject data, int executionCount)
    {
        lock (_gate)
        {
            _outputs.Add(new DataOutput("execute_result", data, executionCount, null));
            Dirty = true;
        }
    }

    public void AddError(string name, string value, IEnumerable<string> traceback)
    {
        lock (_gate)
        {
            _outputs.Add(new ErrorOutput(name, value, traceback.ToList()));
            Dirty = true;
        }
    }

    /// <summary>The outputs as nbformat 4 JSON.</summary>
    public JsonArray ToJson()
    {
        lock (_gate)
            return new JsonArray(_outputs.Select(o => (JsonNode)o.ToJson()).ToArray());
    }

    private abstract record Output
    {
        public abstract JsonObject ToJson();
    }

    private sealed record StreamOutput(string Name, StringBuilder Text) : Output
    {
        public override JsonObject ToJson() => new()
        {
            ["output_type"] = "stream",
            ["name"] = Name,
            ["text"] = Notebook.ToLines(Text.ToString()),
        };
    }

    private sealed record DataOutput(string Type, JsonObject Data, int? ExecutionCount, string? DisplayId) : Output
    {
        public override JsonObject ToJson()
        {
            var json = new JsonObject
            {
                ["output_type"] = Type,
                ["data"] = Data.DeepClone(),
                ["metadata"] = new JsonObject(),
            };
            if (ExecutionCount is int count) json["execution_count"] = count;
            return json;
        }
    }

    private sealed record ErrorOutput(string Name, string Value, List<string> Traceback) : Output
    {
        public override JsonObject ToJson() => new()
        {
            ["output_type"] = "error",
            ["ename"] = Name,
            ["evalue"] = Value,
            ["traceback"] = new JsonArray(Traceback.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
        };
    }
}
