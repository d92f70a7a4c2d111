using CnnFromScratch.Data;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Training;

/// <summary>Small seeded classification sets for training tests.</summary>
internal static class TinyData
{
    /// <summary>
    /// <paramref name="n"/> points in <paramref name="dimensions"/> dimensions from <paramref name="classes"/> Gaussian blobs
    /// (centres drawn with <paramref name="seed"/>, std 2; points with <paramref name="sampleSeed"/>, std 0.5 around them), with one-hot targets.
    /// The same <paramref name="seed"/> with another <paramref name="sampleSeed"/> gives a held-out set of the same problem.
    /// </summary>
    public static (Tensor Inputs, Tensor Targets, int[] Labels) Blobs(int n, int dimensions, int classes, int seed, int sampleSeed = 0)
    {
        Tensor centres = Tensor.RandomNormal(new Random(seed), 2f, classes, dimensions);
        var random = new Random(1000 + sampleSeed);
        var x = new Tensor(n, dimensions);
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % classes;
            for (int d = 0; d < dimensions; d++) x[i, d] = centres[labels[i], d] + 0.5f * random.NextGaussian();
        }
        return (x, OneHot.Encode(labels, classes), labels);
    }
}
