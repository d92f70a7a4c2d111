using System.Globalization;
using System.Text;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Training;

/// <summary>The table of a model's layers that notebooks print.</summary>
public sealed partial class Sequential
{
    /// <summary>A table of the layers: index, name, per-sample output shape and parameter count, with the total.</summary>
    public string Summary()
    {
        var rows = new List<string[]> { new[] { "#", "layer", "output shape", "parameters" } };
        rows.Add(new[] { "", "input", TensorShape.Format(_inputShape), "" });
        for (int k = 0; k < _layers.Length; k++)
        {
            int count = _layers[k].Parameters.Sum(p => p.Value.Length);
            rows.Add(new[] { k.ToString(CultureInfo.InvariantCulture), _layers[k].Name, TensorShape.Format(_outputShapes[k]), count.ToString("N0", CultureInfo.InvariantCulture) });
        }
        int[] widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (string[] row in rows)
        {
            string line = $"{row[0].PadLeft(widths[0])}  {row[1].PadRight(widths[1])}  {row[2].PadRight(widths[2])}  {row[3].PadLeft(widths[3])}";
            sb.Append(line.TrimEnd()).Append('\n');
        }
        sb.Append(string.Create(CultureInfo.InvariantCulture,
            $"Total: {ParameterCount:N0} trainable parameters in {_layers.Length} layers; output shape per sample {TensorShape.Format(OutputShape)}."));
        return sb.ToString();
    }

    /// <summary>The same table as <see cref="Summary"/>.</summary>
    public override string ToString() => Summary();
}
