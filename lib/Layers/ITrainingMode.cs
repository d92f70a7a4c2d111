namespace CnnFromScratch.Layers;

/// <summary>
/// A layer that behaves differently while training and at inference: <see cref="Dropout"/> drops units only while
/// training, <see cref="BatchNorm"/> normalises with the batch's statistics while training and with its running
/// statistics at inference. <see cref="Training.Sequential.Training"/> switches every such layer of a model at once.
/// </summary>
public interface ITrainingMode
{
    /// <summary>True in training mode (the default), false in evaluation mode.</summary>
    bool Training { get; set; }
}
