using System.Collections;

namespace CnnFromScratch.Training;

/// <summary>The per-epoch results of one <see cref="Trainer.Fit"/> run, in order; ready to plot.</summary>
public sealed class TrainingHistory : IReadOnlyList<EpochResult>
{
    private readonly List<EpochResult> _epochs = new();

    /// <summary>The result of epoch <paramref name="index"/> + 1.</summary>
    public EpochResult this[int index] => _epochs[index];

    /// <summary>The number of epochs completed.</summary>
    public int Count => _epochs.Count;

    /// <summary>The epoch numbers 1, 2, …, an x-axis for the curves below.</summary>
    public int[] EpochNumbers => _epochs.Select(e => e.Epoch).ToArray();

    /// <summary>The training loss of every epoch.</summary>
    public double[] Losses => _epochs.Select(e => e.Loss).ToArray();

    /// <summary>The training accuracy of every epoch.</summary>
    public double[] Accuracies => _epochs.Select(e => e.Accuracy).ToArray();

    /// <summary>The validation loss of every epoch (NaN where none was measured).</summary>
    public double[] ValidationLosses => _epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray();

    /// <summary>The validation accuracy of every epoch (NaN where none was measured).</summary>
    public double[] ValidationAccuracies => _epochs.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray();

    /// <inheritdoc />
    public IEnumerator<EpochResult> GetEnumerator() => _epochs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One line per epoch.</summary>
    public override string ToString() => string.Join(Environment.NewLine, _epochs);

    internal void Add(EpochResult result) => _epochs.Add(result);
}
