using CnnFromScratch.Tensors;
using CnnFromScratch.Fast;

namespace CnnFromScratch.Training;

/// <summary>
/// Rejects a data set that holds NaN or ±∞ before any work is done on it, naming the first bad sample: a NaN pixel
/// would otherwise turn the loss into NaN and be blamed on the learning rate, or make every prediction class 0.
/// </summary>
internal static class FiniteData
{
    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming the first sample (row) of <paramref name="data"/> with a non-finite
    /// value; <paramref name="firstSample"/> is the number of the data's first row in the whole set (for a batch of it).
    /// </summary>
    public static void Require(Tensor data, string what, string parameter, int firstSample = 0)
    {
        // One vectorised pass over the cores; only when it finds a NaN or ∞, look for where it is.
        if (data.Length == 0 || ElementwisePass.AllFinite(data.Data)) return;
        int perSample = data.Length / data.Dim(0);
        for (int i = 0; i < data.Length; i++)
        {
            float v = data.Data[i];
            if (float.IsFinite(v)) continue;
            int sample = firstSample + i / perSample;
            throw new ArgumentException(
                $"The {what} hold {v} at sample {sample} (element {i % perSample} of its {perSample}). " +
                $"Every value must be a finite number: check how sample {sample} was loaded or computed (a division by zero in a " +
                "normalisation gives NaN), or remove it.", parameter);
        }
    }

    /// <summary>Throws unless <paramref name="data"/> holds at least one sample.</summary>
    public static void RequireSamples(Tensor data, string what, string parameter)
    {
        if (data.Dim(0) == 0)
            throw new ArgumentException($"The {what} are empty (N = 0): there is nothing to {(what.Contains("target") ? "score" : "run the model on")}.", parameter);
    }
}
