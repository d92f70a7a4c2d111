using CnnFromScratch.Layers;

namespace CnnFromScratch.Optimizers;

/// <summary>
/// Updates parameters from their accumulated gradients: one <see cref="Step"/> per mini-batch,
/// after the backward pass and before the gradients are zeroed again.
/// </summary>
public interface IOptimizer
{
    /// <summary>A short description for messages and tables, such as "Adam(η=0.001, β1=0.9, β2=0.999)".</summary>
    string Name { get; }

    /// <summary>The learning rate η. Settable between steps, so a schedule can lower it during training; must be positive.</summary>
    float LearningRate { get; set; }

    /// <summary>Moves every parameter against its gradient (<see cref="Parameter.Gradient"/>), updating <see cref="Parameter.Value"/> in place.</summary>
    void Step(IReadOnlyList<Parameter> parameters);
}
