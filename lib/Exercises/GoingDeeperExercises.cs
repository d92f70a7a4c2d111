using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

/// <summary>
/// Checks for chapter 06 (going deeper): the forward and the backward pass of a convolution with several input and
/// output channels, for one image, compared with the library's naive kernels on the chapter's hand example and on
/// random sizes. Each plausible mistake (one channel instead of the sum, the bias added once per channel, W's two
/// channel indices swapped, a missing sum over the filters, …) is recognised and named in the hint.
/// </summary>
public static partial class GoingDeeperExercises
{
    /// <summary>
    /// Checks <paramref name="forward"/>(a, W, b, p): z[o,i,j] = b[o] + Σ_c Σ_u Σ_v ã[c, i+u, j+v] · W[o,c,u,v], stride 1,
    /// for an input a (C×H×W), weights W (O×C×k×k), a bias b (O) and zero padding p (ã is a padded by p);
    /// the result is O×(H + 2p − k + 1)×(W + 2p − k + 1).
    /// </summary>
    public static ExerciseResult CheckConvForward(Func<Tensor, Tensor, Tensor, int, Tensor> forward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        return ExerciseCheck.Run("multichannel-forward", c =>
        {
            foreach (var (name, a, w, b, _, padding) in Cases())
            {
                Tensor expected = ReferenceForward(a, w, b, padding);
                Tensor? actual = forward(a.Clone(), w.Clone(), b.Clone(), padding);
                c.Close($"z ({name})", expected, actual, hint: ForwardHint(a, w, b, padding, actual));
            }
        });
    }

    /// <summary>
    /// The chapter's hand example: a 2-channel 3×3 input, two filters of 2×2×2 and their biases, small integers so every
    /// output can be added up by hand.
    /// </summary>
    public static (Tensor Input, Tensor Weights, Tensor Bias) HandExample() => (
        Tensor.From(new float[,,] { { { 1, 0, 2 }, { 0, 1, 0 }, { 2, 0, 1 } }, { { 1, 1, 1 }, { 1, 2, 1 }, { 1, 1, 1 } } }),
        Tensor.From(new float[,,,]
        {
            { { { 1, 0 }, { 0, 1 } }, { { 1, 1 }, { 0, 0 } } },
            { { { 0, 1 }, { 1, 0 } }, { { 0, 0 }, { 0, -1 } } },
        }),
        Tensor.Vector(1, 0));

    /// <summary>The δ = ∂J/∂z the chapter sends back through the hand example: one 2×2 map per filter.</summary>
    public static Tensor HandExampleDelta() =>
        Tensor.From(new float[,,] { { { 1, 0 }, { 0, 0 } }, { { 0, 0 }, { 0, 2 } } });

    private static IEnumerable<(string Name, Tensor A, Tensor W, Tensor B, Tensor Delta, int Padding)> Cases()
    {
        var (a0, w0, b0) = HandExample();
        yield return ("the hand example: 2×3×3 input, 2 filters of 2×2×2", a0, w0, b0, HandExampleDelta(), 0);
        var random = new Random(6);
        foreach (var (ch, o, h, wd, k, p) in new[] { (3, 2, 5, 4, 3, 0), (2, 3, 6, 6, 3, 0), (4, 4, 5, 5, 2, 0), (2, 3, 5, 5, 3, 1), (1, 4, 6, 5, 5, 2) })
        {
            int oh = h + 2 * p - k + 1, ow = wd + 2 * p - k + 1;
            string padded = p == 0 ? "" : $", padding {p} (\"same\")";
            yield return ($"{ch}×{h}×{wd} input, {o} filters of {ch}×{k}×{k}{padded}",
                Tensor.RandomNormal(random, 1f, ch, h, wd), Tensor.RandomNormal(random, 1f, o, ch, k, k),
                Tensor.RandomNormal(random, 1f, o), Tensor.RandomNormal(random, 1f, o, oh, ow), p);
        }
    }

    // The library's naive kernels are the reference answers; a single image is a batch of one.
    private static Tensor ReferenceForward(Tensor a, Tensor w, Tensor b, int padding)
    {
        Tensor z = Convolution.ForwardNaive(Batch(a), w, b, stride: 1, padding: padding);
        return z.Reshape(z.Dim(1), z.Dim(2), z.Dim(3));
    }

    private static (Tensor DWeights, Tensor DBias, Tensor DInput) ReferenceBackward(Tensor a, Tensor w, Tensor delta)
    {
        var (dInput, dWeights, dBias) = Convolution.BackwardNaive(Batch(a), w, Batch(delta));
        return (dWeights, dBias, dInput.Reshape(a.Shape.ToArray()));
    }

    private static Tensor Batch(Tensor t) => t.Clone().Reshape(1, t.Dim(0), t.Dim(1), t.Dim(2));

    private static string ForwardHint(Tensor a, Tensor w, Tensor b, int padding, Tensor? actual)
    {
        int channels = a.Dim(0);
        Tensor expected = ReferenceForward(a, w, b, padding);
        if (actual is not null && padding > 0 && actual.HasShape(ReferenceForward(a, w, b, 0).Shape.ToArray()))
            return $"your output has the shape of an unpadded convolution: pad the input with {padding} rows and columns of zeros on every side " +
                   "first (or treat every index outside the input as 0), so the output keeps H + 2p − k + 1 rows.";
        if (actual is null || !actual.SameShape(expected))
            return "the output is O×(H + 2p − k + 1)×(W + 2p − k + 1): one map per filter (W.Dim(0) of them), not one per input channel.";
        if (channels > 1 && (ExerciseCheck.Agree(actual, OneChannel(a, w, b, padding, 0)) || ExerciseCheck.Agree(actual, OneChannel(a, w, b, padding, channels - 1))))
            return "your z uses only one input channel: a filter reads every channel of the input, so sum a[c] ⊛ W[o,c] over all c " +
                   "(add into the sum with +=, do not overwrite it for each channel).";
        if (channels > 1 && ExerciseCheck.Agree(actual, Shifted(expected, b, channels - 1)))
            return "you added the bias once per input channel: each filter has one bias b[o], added once to the sum over the channels.";
        if (ExerciseCheck.Agree(actual, Shifted(expected, b, -1)))
            return "you forgot the bias: z[o,i,j] = b[o] + Σ_c Σ_u Σ_v ã[c, i+u, j+v] · W[o,c,u,v].";
        if (w.Dim(0) == channels && ExerciseCheck.Agree(actual, ReferenceForward(a, SwapChannels(w), b, padding)))
            return "you swapped W's two channel indices: W is O×C×k×k, so the kernel that filter o lays on input channel c is W[o, c], not W[c, o].";
        if (ExerciseCheck.Agree(actual, ReferenceForward(a, Convolution.Rotate180(w), b, padding)))
            return "you flipped the kernels (a true convolution): a CNN layer lays W on the input as it is, z = b + Σ ã[c, i+u, j+v] · W[o,c,u,v].";
        return "z[o,i,j] = b[o] + Σ_c Σ_u Σ_v ã[c, i+u, j+v] · W[o,c,u,v], where ã is the input with p rows and columns of zeros around it.";
    }

    // The mistakes, computed only to recognise them and explain.
    private static Tensor OneChannel(Tensor a, Tensor w, Tensor b, int padding, int channel)
    {
        var single = new Tensor(1, a.Dim(1), a.Dim(2));
        a.Data.AsSpan(channel * a.Dim(1) * a.Dim(2), a.Dim(1) * a.Dim(2)).CopyTo(single.Data);
        var kernel = new Tensor(w.Dim(0), 1, w.Dim(2), w.Dim(3));
        for (int o = 0; o < w.Dim(0); o++)
            for (int u = 0; u < w.Dim(2); u++)
                for (int v = 0; v < w.Dim(3); v++)
                    kernel[o, 0, u, v] = w[o, channel, u, v];
        return ReferenceForward(single, kernel, b, padding);
    }

    // z + times · b[o] on every position of map o.
    private static Tensor Shifted(Tensor z, Tensor b, int times)
    {
        Tensor shifted = z.Clone();
        int plane = z.Dim(1) * z.Dim(2);
        for (int i = 0; i < shifted.Length; i++) shifted.Data[i] += times * b[i / plane];
        return shifted;
    }

    private static Tensor SwapChannels(Tensor w)
    {
        var swapped = new Tensor(w.Dim(1), w.Dim(0), w.Dim(2), w.Dim(3));
        for (int o = 0; o < w.Dim(0); o++)
            for (int c = 0; c < w.Dim(1); c++)
                for (int u = 0; u < w.Dim(2); u++)
                    for (int v = 0; v < w.Dim(3); v++)
                        swapped[c, o, u, v] = w[o, c, u, v];
        return swapped;
    }
}
