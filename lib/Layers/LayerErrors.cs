using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>Errors every layer raises the same way, with messages that say how to fix them.</summary>
internal static class LayerErrors
{
    /// <summary>Backward needs what the last Forward cached.</summary>
    public static InvalidOperationException BackwardBeforeForward(string layer) => new(
        $"{layer}: Backward was called before Forward. Backward uses what the last Forward cached, " +
        "so run Forward on the batch first.");

    /// <summary>∂J/∂output must have the shape of the output of the last Forward.</summary>
    public static void RequireGradientShape(string layer, Tensor dOutput, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(dOutput);
        if (!dOutput.SameShape(output))
            throw new ArgumentException(
                $"{layer}: Backward got ∂J/∂output of shape {TensorShape.Format(dOutput.Shape)}, but the last Forward returned " +
                $"{TensorShape.Format(output.Shape)}. Pass the gradient of this layer's own output (same shape as its output).",
                nameof(dOutput));
    }

    /// <summary>Rejects a hyper-parameter that must be at least <paramref name="minimum"/>.</summary>
    public static void RequireAtLeast(int value, int minimum, string name, string layer, string meaning)
    {
        if (value < minimum)
            throw new ArgumentOutOfRangeException(name, value, $"{layer}: {name} is {value}, but {meaning} must be at least {minimum}.");
    }
}
