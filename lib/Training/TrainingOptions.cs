using CnnFromScratch.Tensors;

namespace CnnFromScratch.Training;

/// <summary>How <see cref="Trainer.Fit"/> trains: epochs, batch size, seed, an optional validation set and progress callbacks.</summary>
public sealed record TrainingOptions
{
    /// <summary>The number of passes over the training set (at least 1).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>The number of samples per mini-batch (at least 1); the last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The seed of the shuffle, so the same seed (and the same initial weights) gives the same history.</summary>
    public int Seed { get; init; }

    /// <summary>Whether to shuffle the training set at the start of every epoch (on by default; off only to demonstrate why it helps).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Validation inputs, evaluated after every epoch without changing the model; give <see cref="ValidationTargets"/> too.</summary>
    public Tensor? ValidationInputs { get; init; }

    /// <summary>The targets of <see cref="ValidationInputs"/>.</summary>
    public Tensor? ValidationTargets { get; init; }

    /// <summary>The learning rate for every step: when set, the trainer gives the optimizer <c>Schedule.At(step)</c> before each step.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// Called on each training batch's inputs before the forward pass, to change them in place (data augmentation, such as
    /// <see cref="Data.RandomShift.Apply"/>). The batch is the trainer's own copy: the data set is never changed.
    /// </summary>
    public Action<Tensor>? Augment { get; init; }

    /// <summary>Called after every mini-batch (after the optimizer step). It may change the optimizer's learning rate.</summary>
    public Action<BatchProgress>? OnBatch { get; init; }

    /// <summary>Called after every epoch with its result, e.g. to redraw the curves or to lower the learning rate.</summary>
    public Action<EpochResult>? OnEpoch { get; init; }
}
