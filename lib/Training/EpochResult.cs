using System.Globalization;

namespace CnnFromScratch.Training;

/// <summary>The measurements of one training epoch.</summary>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="Loss">The mean training loss over the epoch's batches, weighted by batch size (measured while the weights changed).</param>
/// <param name="Accuracy">The fraction of training samples classified correctly during the epoch.</param>
/// <param name="ValidationLoss">The mean loss on the validation set after the epoch, when one was given.</param>
/// <param name="ValidationAccuracy">The accuracy on the validation set after the epoch, when one was given.</param>
/// <param name="Seconds">The wall-clock time of the epoch, validation included.</param>
public sealed record EpochResult(int Epoch, double Loss, double Accuracy, double? ValidationLoss, double? ValidationAccuracy, double Seconds)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        string validation = ValidationLoss is double vl
            ? string.Create(inv, $", validation loss {vl:0.0000}, validation accuracy {ValidationAccuracy:P1}")
            : "";
        return string.Create(inv, $"epoch {Epoch}: loss {Loss:0.0000}, accuracy {Accuracy:P1}{validation} ({Seconds:0.00} s)");
    }
}
