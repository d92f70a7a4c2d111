using CnnFromScratch.Fast;
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
    private Tensor? _prediction, _target;  // a and y: all Backward needs
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
        (_prediction, _target) = (prediction, target);
        float[] a = prediction.Data, y = target.Data;
        double sumOfSquares = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double diff = (double)a[i] - y[i];
            sumOfSquares += diff * diff;
        }
        return 0.5 * sumOfSquares / n;
    }

    /// <summary>∂J/∂a = (a − y)/N for the last <see cref="Forward"/> call.</summary>
    public Tensor Backward()
    {
        if (_prediction is null || _target is null)
            throw new InvalidOperationException("Backward needs a Forward(prediction, targets) call first.");
        Tensor dA = Buffers.Result(ref _dPrediction, _prediction.Shape);
        float[] a = _prediction.Data, y = _target.Data, da = dA.Data;
        float invN = 1f / _prediction.Dim(0);
        for (int i = 0; i < da.Length; i++) da[i] = (a[i] - y[i]) * invN; // ∂J/∂a = (a − y)/N
        return dA;
    }
}
