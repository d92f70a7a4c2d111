using CnnFromScratch.Training;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// Live loss and accuracy curves for a training run. Feed it from <see cref="TrainingOptions.OnBatch"/> and
/// <see cref="TrainingOptions.OnEpoch"/>, and redraw <see cref="Chart"/> whenever you like:
/// in a notebook, <c>var view = KernelInvocationContext.Current.Display(curves.Chart());</c> once (with
/// <c>using Microsoft.DotNet.Interactive;</c>: the handle <c>display()</c> returns does not update), then <c>view.Update(curves.Chart())</c>.
/// </summary>
/// <remarks>
/// The x-axis counts optimizer steps (mini-batches). The loss of every batch is drawn against the left axis,
/// the per-epoch accuracies (training and, if given, validation or test) against the right axis at the step where
/// their epoch ended, so both fit in one chart that grows as training runs.
/// </remarks>
public sealed class TrainingCurves
{
    private readonly List<int> _batchSteps = [];
    private readonly List<double> _batchLosses = [];
    private readonly List<int> _epochSteps = [];
    private readonly List<double> _trainAccuracies = [];
    private readonly List<double> _validationAccuracies = [];
    private readonly List<double> _validationLosses = [];
    private int _lastStep;

    /// <summary>Creates empty curves.</summary>
    /// <param name="title">The chart title, e.g. "Conv net on MNIST, Adam".</param>
    /// <param name="validationName">What the validation set is called in the legend, e.g. "test" or "validation".</param>
    public TrainingCurves(string title = "Training curves", string validationName = "validation")
    {
        Title = title;
        ValidationName = validationName;
    }

    /// <summary>The chart title.</summary>
    public string Title { get; }

    /// <summary>The legend name of the validation set.</summary>
    public string ValidationName { get; }

    /// <summary>The number of batch losses recorded.</summary>
    public int BatchCount => _batchLosses.Count;

    /// <summary>The number of epochs recorded.</summary>
    public int EpochCount => _epochSteps.Count;

    /// <summary>Records the loss of one mini-batch (call it from <see cref="TrainingOptions.OnBatch"/>).</summary>
    public void AddBatch(BatchProgress progress)
    {
        _lastStep = progress.Step;
        _batchSteps.Add(progress.Step);
        _batchLosses.Add(progress.Loss);
    }

    /// <summary>
    /// Records the end of an epoch (call it from <see cref="TrainingOptions.OnEpoch"/>). Its accuracies are drawn at the
    /// last recorded step, or at the epoch number when no batches were recorded.
    /// </summary>
    public void AddEpoch(EpochResult epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        _epochSteps.Add(_batchSteps.Count > 0 ? _lastStep : epoch.Epoch);
        _trainAccuracies.Add(epoch.Accuracy);
        _validationAccuracies.Add(epoch.ValidationAccuracy ?? double.NaN);
        _validationLosses.Add(epoch.ValidationLoss ?? double.NaN);
    }

    /// <summary>The chart of everything recorded so far: loss (left axis) and accuracy (right axis, 0 to 1) against the step.</summary>
    public PlotlyChart Chart()
    {
        var traces = new List<Scatter>
        {
            new() { x = _batchSteps.ToArray(), y = _batchLosses.ToArray(), name = "batch loss", mode = "lines",
                    line = new Line { width = 1, color = "#1f77b4" } },
            new() { x = _epochSteps.ToArray(), y = _trainAccuracies.ToArray(), name = "train accuracy (epoch)",
                    mode = "lines+markers", yaxis = "y2", line = new Line { color = "#2ca02c" } },
        };
        if (_validationAccuracies.Any(v => !double.IsNaN(v)))
        {
            traces.Add(new Scatter { x = _epochSteps.ToArray(), y = _validationAccuracies.ToArray(), name = $"{ValidationName} accuracy",
                mode = "lines+markers", yaxis = "y2", line = new Line { color = "#d62728" } });
            traces.Add(new Scatter { x = _epochSteps.ToArray(), y = _validationLosses.ToArray(), name = $"{ValidationName} loss",
                mode = "lines+markers", line = new Line { color = "#ff7f0e", dash = "dot" } });
        }
        PlotlyChart chart = XPlot.Plotly.Chart.Plot(traces);
        chart.WithLayout(new Layout.Layout
        {
            title = Title,
            xaxis = new Xaxis { title = "step (mini-batch)" },
            yaxis = new Yaxis { title = "loss (cross-entropy)", rangemode = "tozero" },
            yaxis2 = new Yaxis { title = "accuracy", overlaying = "y", side = "right", range = new[] { 0.0, 1.0 } },
            legend = new Legend { x = 0.55, y = 0.5 },
        });
        return chart;
    }
}
