using CnnFromScratch.Tensors;

namespace CnnFromScratch.Losses;

/// <summary>
/// Mean squared error with the ½ convention: J = (1/N) Σ_n ½‖a_n − y_n‖² for predictions a and targets y of the
/// same shape (N samples first), so the gradient is simply ∂J/∂a = (a − y)/N.
/// </summary>
/// <remarks>
/// Some texts define MSE without the ½ or average over every element; those differ from this J by a constant factor
/// (which a learning rate absorbs) but not in where the minimum is.
/// </remarks>
public sealed class MeanSquaredError : ILoss
{
    private Tensor? _dPrediction;

    /// <inheritdoc />
    public string Name => "mean squared error";

    /// <summary>J = (1/N) Σ_n ½‖a_n − y_n‖².</summary>
    /// <param name="prediction">Predictions a, N×… (N samples first).</param>
    /// <param name="target">Targets y, same shape as <paramref name="prediction"/>.</param>
    public double Forward(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (!target.SameShape(prediction))
            throw new ArgumentException(
                $"Mean squared error got predictions {TensorShape.Format(prediction.Shape)} but targets {TensorShape.Format(target.Shape)}; " +
                "they must have the same shape. Check the last layer's output size and the batch size of the targets.",
                nameof(target));

        int n = prediction.Dim(0);
        if (n == 0)
            throw new ArgumentException("The batch is empty (N = 0): the mean loss over no samples is undefined.", nameof(prediction));
        if (_dPrediction is null || !_dPrediction.SameShape(prediction))
            _dPrediction = new Tensor(prediction.Shape.ToArray());

        float[] a = prediction.Data, y = target.Data, da = _dPrediction.Data;
        float invN = 1f / n;
        double sumOfSquares = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double diff = (double)a[i] - y[i];
            sumOfSquares += diff * diff;
            // ∂J/∂a = (a − y)/N
            da[i] = (a[i] - y[i]) * invN;
        }
        return 0.5 * sumOfSquares / n;
    }

    /// <summary>∂J/∂a = (a − y)/N for the last <see cref="Forward"/> call; owned by the loss and overwritten by the next call.</summary>
    public Tensor Backward() =>
        _dPrediction ?? throw new InvalidOperationException("Backward needs a Forward(prediction, targets) call first.");
}
