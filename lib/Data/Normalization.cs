using CnnFromScratch.Tensors;

namespace CnnFromScratch.Data;

/// <summary>Turns raw pixel bytes into the network's input: floats in [0, 1], shaped N×1×H×W.</summary>
public static class Normalization
{
    /// <summary>
    /// x = byte / 255 for every pixel of an N×H×W (or N×C×H×W) unsigned-byte IDX array, as a tensor N×C×H×W
    /// (C = 1 for grey images). Inputs in [0, 1] keep the first layer's pre-activations small, so training starts stable.
    /// </summary>
    public static Tensor ToUnitRange(IdxArray images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.ElementType != IdxElementType.UnsignedByte)
            throw new ArgumentException(
                $"Images must hold unsigned bytes (0 to 255), but this IDX array holds {images.ElementType}.", nameof(images));
        var d = images.Dimensions;
        int[] shape = d.Count switch
        {
            3 => [d[0], 1, d[1], d[2]],
            4 => [d[0], d[1], d[2], d[3]],
            _ => throw new ArgumentException(
                $"Images must be N×H×W or N×C×H×W, but the IDX array is {TensorShape.Format(d)}. Is this a label file?", nameof(images)),
        };
        var pixels = images.As<byte>();
        var data = new float[pixels.Length];
        // Divide rather than multiply by 1/255, so each value is the float nearest to byte/255.
        for (int i = 0; i < pixels.Length; i++) data[i] = pixels[i] / 255f;
        return new Tensor(data, shape);
    }
}
