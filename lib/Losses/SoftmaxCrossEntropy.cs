using System.Runtime.CompilerServices;
using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Losses;

/// <summary>
/// Softmax followed by cross-entropy, fused: takes raw scores (logits) z of shape N×K and targets y of shape N×K
/// (one-hot rows, or any probability rows), and returns J = −(1/N) Σ_n Σ_k y_nk log ŷ_nk with ŷ = softmax(z).
/// </summary>
/// <remarks>
/// Fusing the two gives the simple gradient ∂J/∂z = (ŷ − y)/N and lets the loss be computed stably:
/// log ŷ_k = (z_k − m) − log Σ_j e^{z_j − m} with m = max_j z_j, so no exponential overflows even for logits like 1000.
/// The model's last layer should therefore output logits (no separate <c>Softmax</c> layer before this loss).
/// </remarks>
public sealed class SoftmaxCrossEntropy : ILoss
{
    // How far a target row's sum may drift from 1 (float32 one-hot rows and rounded probabilities pass).
    private const double RowSumTolerance = 1e-3;

    private Tensor? _probabilities;  // ŷ, and
    private Tensor? _target;         // y: all Backward needs
    private Tensor? _dLogits;
    private RowsPass? _rows;

    /// <inheritdoc />
    public string Name => "softmax cross-entropy";

    /// <summary>The softmax probabilities ŷ (N×K) of the last <see cref="Forward"/> call.</summary>
    public Tensor Probabilities =>
        _probabilities ?? throw new InvalidOperationException("No probabilities yet: call Forward(logits, targets) first.");

    /// <summary>The mean cross-entropy of softmax(<paramref name="logits"/>) against <paramref name="target"/>.</summary>
    /// <param name="logits">Raw scores z, N×K.</param>
    /// <param name="target">Target distributions y, N×K; each row non-negative and summing to 1.</param>
    public double Forward(Tensor logits, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(target);
        Validate(logits, target);

        int n = logits.Dim(0), k = logits.Dim(1);
        float[] p = Buffers.Result(ref _probabilities, n, k).Data;
        _target = target;
        double[] rowLosses = (_rows ??= new RowsPass()).Run(logits.Data, target.Data, p, n, k);
        double total = 0;
        for (int row = 0; row < n; row++) total += rowLosses[row]; // in row order: the same sum on any number of cores
        return total / n;
    }

    /// <summary>
    /// The softmax and the loss of every row, rows split across cores for a large batch: two exponentials per logit
    /// (Math.Exp, about 20 ns each here) made this 10–20 µs of a 250 µs training step of the course network at batch 32.
    /// </summary>
    private sealed class RowsPass : ChunkedPass
    {
        // Below this many logits the rows run on the caller (waking another core costs about a microsecond).
        private const int ParallelLogits = 256;

        private float[] _z = [], _y = [], _p = [];
        private double[] _losses = [];
        private int _k;

        /// <summary>ŷ into <paramref name="p"/>, and −Σ_j y_j log ŷ_j of each row n, returned in an array of at least N.</summary>
        public double[] Run(float[] z, float[] y, float[] p, int n, int k)
        {
            if (_losses.Length < n) _losses = new double[n];
            (_z, _y, _p, _k) = (z, y, p, k);
            try { Run(n, n * k < ParallelLogits ? 1 : MaxChunks); }
            finally { (_z, _y, _p) = ([], [], []); }
            return _losses;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected override void Process(int chunk, int start, int end)
        {
            int k = _k;
            float[] z = _z, y = _y;
            for (int row = start; row < end; row++)
            {
                int o = row * k;
                (float m, double logSum) = Softmax.Row(z.AsSpan(o, k), _p.AsSpan(o, k)); // ŷ, and m and log Σ e^{z − m}
                double rowLoss = 0;
                for (int j = 0; j < k; j++)
                {
                    // −y_j log ŷ_j = y_j (log Σ e^{z − m} − (z_j − m)); skipping y_j = 0 avoids 0·∞ when ŷ_j underflows.
                    if (y[o + j] != 0f) rowLoss += y[o + j] * (logSum - (z[o + j] - m));
                }
                _losses[row] = rowLoss;
            }
        }
    }

    /// <summary>∂J/∂logits = (ŷ − y)/N for the last <see cref="Forward"/> call.</summary>
    public Tensor Backward()
    {
        if (_probabilities is null || _target is null)
            throw new InvalidOperationException("Backward needs a Forward(logits, targets) call first.");
        int n = _probabilities.Dim(0);
        Tensor dZ = Buffers.Result(ref _dLogits, n, _probabilities.Dim(1));
        float[] p = _probabilities.Data, y = _target.Data, dz = dZ.Data;
        float invN = 1f / n;
        for (int i = 0; i < dz.Length; i++) dz[i] = (p[i] - y[i]) * invN; // ∂J/∂z = (ŷ − y)/N
        return dZ;
    }

    private static void Validate(Tensor logits, Tensor target)
    {
        if (logits.Rank != 2)
            throw new ArgumentException(
                $"Softmax cross-entropy expects logits of shape N×K (one row of class scores per sample) but got {TensorShape.Format(logits.Shape)}. " +
                "Put a Flatten and a Dense layer with K outputs before the loss.", nameof(logits));
        if (logits.Dim(0) == 0)
            throw new ArgumentException("The batch is empty (N = 0): the mean loss over no samples is undefined.", nameof(logits));
        if (!target.SameShape(logits))
            throw new ArgumentException(
                $"Softmax cross-entropy got logits {TensorShape.Format(logits.Shape)} but targets {TensorShape.Format(target.Shape)}; they must have the same shape N×K. " +
                (target.Rank == 1
                    ? "The targets look like class labels: one-hot encode them into N×K rows first."
                    : "Check the number of classes K of the last layer and of the one-hot targets, and that both have the same batch size N."),
                nameof(target));

        int n = target.Dim(0), k = target.Dim(1);
        float[] y = target.Data;
        for (int row = 0; row < n; row++)
        {
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                float v = y[row * k + j];
                if (!(v >= 0f))
                    throw new ArgumentException(
                        $"Target row {row} has the value {v} in column {j}; targets must be one-hot rows or probabilities (all ≥ 0, each row summing to 1).",
                        nameof(target));
                sum += v;
            }
            if (Math.Abs(sum - 1) > RowSumTolerance)
                throw new ArgumentException(
                    $"Target row {row} sums to {sum:G4}, but each row must sum to 1 (a one-hot row, or a probability distribution over the {k} classes). " +
                    "Did you pass labels or unnormalised scores instead of one-hot targets?",
                    nameof(target));
        }
    }
}
