namespace CnnFromScratch.Tensors;

/// <summary>Helpers for talking about shapes in messages.</summary>
public static class Shapes
{
    /// <summary>A shape written the way the notebooks write it: 32×1×28×28.</summary>
    public static string Format(IReadOnlyList<int> shape) => shape.Count == 0 ? "(scalar)" : string.Join("×", shape);
}
