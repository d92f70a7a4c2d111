using System.Globalization;

namespace CnnFromScratch.Training;

/// <summary>
/// The loss became NaN or infinite during training: the weights have blown up, almost always because the
/// learning rate is too large (or the inputs are not scaled, e.g. pixels in 0…255 instead of 0…1).
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for the loss seen at <paramref name="epoch"/> and <paramref name="batch"/> (both counted from 1).</summary>
    public TrainingDivergedException(int epoch, int batch, double loss, float learningRate)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"Training diverged at epoch {epoch}, batch {batch}: the loss became {Describe(loss)}. " +
            $"The weights have blown up, most likely because the learning rate {learningRate:G4} is too large: " +
            $"try a smaller one (for example {learningRate / 10:G4}), and check that the inputs are scaled (pixels in [0, 1])."))
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        LearningRate = learningRate;
    }

    /// <summary>The epoch (from 1) in which the loss stopped being finite.</summary>
    public int Epoch { get; }

    /// <summary>The batch within that epoch (from 1).</summary>
    public int Batch { get; }

    /// <summary>The loss that was seen (NaN or ±∞).</summary>
    public double Loss { get; }

    /// <summary>The learning rate the optimizer had at that moment.</summary>
    public float LearningRate { get; }

    private static string Describe(double loss) =>
        double.IsNaN(loss) ? "NaN (not a number)" : double.IsPositiveInfinity(loss) ? "+∞" : loss.ToString(CultureInfo.InvariantCulture);
}
