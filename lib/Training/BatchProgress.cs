namespace CnnFromScratch.Training;

/// <summary>
/// What <see cref="TrainingOptions.OnBatch"/> receives after each mini-batch: enough to print progress or
/// draw a live loss curve. A struct, so reporting progress allocates nothing.
/// </summary>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="Batch">The batch within the epoch, counted from 1 to <paramref name="BatchesPerEpoch"/>.</param>
/// <param name="BatchesPerEpoch">The number of batches in one epoch.</param>
/// <param name="Step">The number of optimizer steps taken so far, counted from 1 over the whole run (an x-axis for per-batch curves).</param>
/// <param name="Loss">The mean loss of this batch (before the step).</param>
/// <param name="RunningAccuracy">The fraction of samples classified correctly so far in this epoch (argmax of output vs argmax of target).</param>
public readonly record struct BatchProgress(int Epoch, int Batch, int BatchesPerEpoch, int Step, double Loss, double RunningAccuracy);
