using System.Globalization;

namespace CnnFromScratch.Training;

/// <summary>
/// The loss became NaN or infinite, or grew far above its starting value (see <see cref="Trainer.Fit"/> for the rule),
/// during training: the weights have blown up, almost always because the learning rate is too large (or the inputs are
/// not scaled, e.g. pixels in 0…255 instead of 0…1).
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for the loss seen at <paramref name="epoch"/> and <paramref name="batch"/> (both counted from 1).</summary>
    public TrainingDivergedException(int epoch, int batch, double loss, float learningRate, double? startingLoss = null)
        : base(Explain(epoch, batch, loss, learningRate, startingLoss))
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        LearningRate = learningRate;
        StartingLoss = startingLoss;
    }

    /// <summary>The loss of the first batch, when the loss diverged by growing far above it (null when it became NaN or ±∞).</summary>
    public double? StartingLoss { get; }

    /// <summary>The epoch (from 1) in which the loss stopped being finite.</summary>
    public int Epoch { get; }

    /// <summary>The batch within that epoch (from 1).</summary>
    public int Batch { get; }

    /// <summary>The loss that was seen (NaN, ±∞, or a finite value far above the starting loss).</summary>
    public double Loss { get; }

    /// <summary>The learning rate the optimizer had at that moment.</summary>
    public float LearningRate { get; }

    private static string Explain(int epoch, int batch, double loss, float learningRate, double? startingLoss)
    {
        var c = CultureInfo.InvariantCulture;
        string what = startingLoss is double j0 && double.IsFinite(loss)
            ? string.Create(c, $"the loss grew to {loss:G4}, more than {Trainer.DivergenceFactor}× its starting value {j0:G4}")
            : $"the loss became {Describe(loss)}";
        return string.Create(c,
            $"Training diverged at epoch {epoch}, batch {batch}: {what}. " +
            $"The weights have blown up, most likely because the learning rate {learningRate:G4} is too large: " +
            $"try a smaller one (for example {learningRate / 10:G4}), and check that the inputs are scaled (pixels in [0, 1]).");
    }

    private static string Describe(double loss) =>
        double.IsNaN(loss) ? "NaN (not a number)" : double.IsPositiveInfinity(loss) ? "+∞" : loss.ToString(CultureInfo.InvariantCulture);
}
