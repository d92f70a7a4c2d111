using CnnFromScratch.Data;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Training;

/// <summary>
/// A SYNTHETIC labelled image set (not MNIST): 28×28 grey images of ten stroke patterns (bars, diagonals, plus, X,
/// square, T, L, Λ …), each drawn with a random shift of up to ±4 pixels, a random size (80–120 %), stroke width and
/// brightness, and Gaussian noise, all from a seed. Small and honest stand-in for digits until the real MNIST sample is bundled.
/// </summary>
internal static class SyntheticStrokes
{
    public const int Classes = 10;
    private const int Size = 28;

    // Each class is a set of line segments (x0, y0, x1, y1) around the image centre; y grows downwards.
    private static readonly (float X0, float Y0, float X1, float Y1)[][] Patterns =
    [
        [(-7, 0, 7, 0)],                                              // 0: horizontal bar
        [(0, -7, 0, 7)],                                              // 1: vertical bar
        [(-6, -6, 6, 6)],                                             // 2: diagonal \
        [(-6, 6, 6, -6)],                                             // 3: diagonal /
        [(-7, 0, 7, 0), (0, -7, 0, 7)],                               // 4: plus
        [(-6, -6, 6, 6), (-6, 6, 6, -6)],                             // 5: X
        [(-6, -6, 6, -6), (6, -6, 6, 6), (6, 6, -6, 6), (-6, 6, -6, -6)], // 6: square
        [(-7, -6, 7, -6), (0, -6, 0, 7)],                             // 7: T
        [(-5, -7, -5, 7), (-5, 7, 7, 7)],                             // 8: L
        [(-7, 7, 0, -7), (0, -7, 7, 7)],                              // 9: Λ
    ];

    /// <summary><paramref name="perClass"/> images of every class (N×1×28×28 in [0, 1]), one-hot targets and labels.</summary>
    public static (Tensor Images, Tensor Targets, int[] Labels) Generate(int perClass, int seed)
    {
        var random = new Random(seed);
        int n = perClass * Classes;
        var images = new Tensor(n, 1, Size, Size);
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % Classes;
            labels[i] = label;
            float cx = 13.5f + random.Next(-4, 5), cy = 13.5f + random.Next(-4, 5);
            float scale = 0.8f + 0.4f * random.NextSingle();
            float halfWidth = 1f + random.NextSingle();
            float brightness = 0.6f + 0.4f * random.NextSingle();
            for (int row = 0; row < Size; row++)
                for (int col = 0; col < Size; col++)
                {
                    float distance = float.MaxValue;
                    foreach (var s in Patterns[label])
                        distance = MathF.Min(distance, DistanceToSegment((col - cx) / scale, (row - cy) / scale, s.X0, s.Y0, s.X1, s.Y1) * scale);
                    // A stroke 2 to 4 pixels wide with soft edges, plus noise.
                    float ink = Math.Clamp(halfWidth + 0.5f - distance, 0f, 1f) * brightness + 0.2f * random.NextGaussian();
                    images[i, 0, row, col] = Math.Clamp(ink, 0f, 1f);
                }
        }
        return (images, OneHot.Encode(labels, Classes), labels);
    }

    private static float DistanceToSegment(float px, float py, float x0, float y0, float x1, float y1)
    {
        float dx = x1 - x0, dy = y1 - y0;
        float t = Math.Clamp(((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy), 0f, 1f);
        float ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
        return MathF.Sqrt(ex * ex + ey * ey);
    }
}
