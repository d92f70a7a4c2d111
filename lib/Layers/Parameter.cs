using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>A trainable tensor and the gradient the backward pass accumulates into it.</summary>
public sealed class Parameter
{
    /// <summary>Creates a parameter with a zero gradient of the same shape.</summary>
    public Parameter(string name, Tensor value)
    {
        Name = name;
        Value = value;
        Gradient = new Tensor(value.Shape.ToArray());
    }

    /// <summary>The name used in the derivations, such as "W1" or "B0", or "weights"/"bias".</summary>
    public string Name { get; }

    /// <summary>The current value.</summary>
    public Tensor Value { get; }

    /// <summary>∂J/∂Value, accumulated by backward passes until <see cref="ZeroGradient"/>.</summary>
    public Tensor Gradient { get; }

    /// <summary>Resets the accumulated gradient to zero (before each mini-batch).</summary>
    public void ZeroGradient() => Gradient.Fill(0f);

    /// <inheritdoc />
    public override string ToString() => $"{Name} {TensorShape.Format(Value.Shape)}";
}
