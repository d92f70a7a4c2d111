using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// The running statistics of <see cref="BatchNorm"/>: after every training batch μ_run ← (1 − momentum) μ_run + momentum μ,
/// and the same for σ²_run with the unbiased variance σ² m/(m − 1), as PyTorch does. Evaluation mode normalises with them,
/// so a single sample gives the same output whatever batch it comes in.
/// </summary>
public sealed partial class BatchNorm
{
    /// <summary>The weight of the newest batch in the running statistics.</summary>
    public float Momentum { get; }

    /// <summary>μ_run, the running mean per channel, used in evaluation mode.</summary>
    public Tensor RunningMean { get; }

    /// <summary>σ²_run, the running (unbiased) variance per channel, used in evaluation mode.</summary>
    public Tensor RunningVariance { get; }

    private static (float Momentum, Tensor Mean, Tensor Variance) RunningStatistics(int channels, float momentum)
    {
        if (!(momentum > 0f && momentum <= 1f))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum,
                "BatchNorm: momentum is the weight of the newest batch in the running statistics and must lie in (0, 1] (typical: 0.1).");
        return (momentum, new Tensor(channels), new Tensor(channels).Fill(1f));   // μ_run = 0, σ²_run = 1 at first
    }

    // μ_run ← (1 − momentum) μ_run + momentum μ;  σ²_run ← (1 − momentum) σ²_run + momentum σ² m/(m − 1)
    private void UpdateRunningStatistics(double[] mean, double[] variance, int m)
    {
        float[] runMean = RunningMean.Data, runVar = RunningVariance.Data;
        for (int ch = 0; ch < Channels; ch++)
        {
            runMean[ch] = (float)((1 - Momentum) * runMean[ch] + Momentum * mean[ch]);
            runVar[ch] = (float)((1 - Momentum) * runVar[ch] + Momentum * variance[ch] * m / (m - 1));
        }
    }

    private void CopyRunningStatistics(double[] mean, double[] variance)
    {
        for (int ch = 0; ch < Channels; ch++) (mean[ch], variance[ch]) = (RunningMean.Data[ch], RunningVariance.Data[ch]);
    }
}
