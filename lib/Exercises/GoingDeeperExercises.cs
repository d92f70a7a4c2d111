using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

/// <summary>
/// Checks for chapter 06 (going deeper): the forward and the backward pass of a convolution with several input and
/// output channels, for one image, compared with the library's naive kernels on the chapter's hand example and on
/// random sizes. Each plausible mistake (one channel instead of the sum, the bias added once per channel, W's two
/// channel indices swapped, a missing sum over the filters, …) is recognised and named in the hint.
/// </summary>
public static class GoingDeeperExercises
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
    /// Checks <paramref name="backward"/>(a, W, δ), stride 1 and no padding, for an input a (C×H×W), weights W (O×C×k×k)
    /// and δ = ∂J/∂z (O×Ho×Wo). It must return ∂J/∂W (O×C×k×k), ∂J/∂b (O) and ∂J/∂a (C×H×W):
    /// ∂J/∂W[o,c] = a[c] ⊛ δ[o], ∂J/∂b[o] = Σ δ[o], ∂J/∂a[c] = Σ_o pad_{k−1}(δ[o]) ⊛ rot180(W[o,c]).
    /// </summary>
    public static ExerciseResult CheckConvBackward(Func<Tensor, Tensor, Tensor, (Tensor DWeights, Tensor DBias, Tensor DInput)> backward)
    {
        ArgumentNullException.ThrowIfNull(backward);
        return ExerciseCheck.Run("multichannel-backward", c =>
        {
            foreach (var (name, a, w, _, delta, padding) in Cases())
            {
                if (padding != 0) continue; // the backward exercise is stride 1, no padding
                var (dWeights, dBias, dInput) = ReferenceBackward(a, w, delta);
                var (dw, db, da) = backward(a.Clone(), w.Clone(), delta.Clone());
                c.Close($"∂J/∂b ({name})", dBias, db, hint: BiasHint(delta, db));
                c.Close($"∂J/∂W ({name})", dWeights, dw, hint: WeightHint(a, w, delta, dw));
                c.Close($"∂J/∂a ({name})", dInput, da, hint: InputHint(a, w, delta, da));
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

    private static string BiasHint(Tensor delta, Tensor? db)
    {
        if (db is not null && db.HasShape(delta.Dim(0)) && db.Data.All(v => MathF.Abs(v - (float)delta.Sum()) <= 1e-3f * MathF.Max(1f, MathF.Abs((float)delta.Sum()))) && delta.Dim(0) > 1)
            return "every entry of your ∂J/∂b is the sum of all of δ: the bias b[o] is added to filter o's map only, so ∂J/∂b[o] sums δ[o] alone.";
        return "∂J/∂b has one entry per filter (O of them): ∂J/∂b[o] = Σ_i Σ_j δ[o,i,j], since b[o] is added to every position of map o.";
    }

    private static string WeightHint(Tensor a, Tensor w, Tensor delta, Tensor? dw)
    {
        var (expected, _, _) = ReferenceBackward(a, w, delta);
        if (dw is not null && dw.SameShape(expected) && ExerciseCheck.Agree(dw, Convolution.Rotate180(expected)))
            return "your ∂J/∂W is the right answer with every k×k kernel rotated by 180°: input and δ were swapped. " +
                   "W[o,c,u,v] met a[c, i+u, j+v] when it made z[o,i,j], so ∂J/∂W[o,c,u,v] = Σ_i Σ_j δ[o,i,j] · a[c, i+u, j+v].";
        if (dw is not null && dw.SameShape(expected) && w.Dim(0) == w.Dim(1) && ExerciseCheck.Agree(dw, SwapChannels(expected)))
            return "your ∂J/∂W has its two channel indices swapped: ∂J/∂W[o,c] pairs filter o's δ[o] with input channel a[c].";
        return "∂J/∂W[o,c,u,v] = Σ_i Σ_j δ[o,i,j] · a[c, i+u, j+v]: for each filter o and input channel c, input channel c cross-correlated with δ[o]; " +
               "the result has W's shape O×C×k×k.";
    }

    private static string InputHint(Tensor a, Tensor w, Tensor delta, Tensor? da)
    {
        var (_, _, expected) = ReferenceBackward(a, w, delta);
        int filters = w.Dim(0);
        if (da is not null && da.SameShape(expected))
        {
            if (filters > 1 && (ExerciseCheck.Agree(da, FromOneFilter(a, w, delta, 0)) || ExerciseCheck.Agree(da, FromOneFilter(a, w, delta, filters - 1))))
                return "your ∂J/∂a holds the share of one filter only: every filter read input channel c, so add the contributions of all " +
                       "O filters, ∂J/∂a[c] = Σ_o pad(δ[o], k − 1) ⊛ rot180(W[o,c]) (accumulate with +=).";
            if (ExerciseCheck.Agree(da, ReferenceBackward(a, Convolution.Rotate180(w), delta).DInput))
                return "you forgot to rotate the kernels by 180°: ∂J/∂a[c] = Σ_o pad(δ[o], k − 1) ⊛ rot180(W[o,c]).";
            if (filters == w.Dim(1) && ExerciseCheck.Agree(da, ReferenceBackward(a, SwapChannels(w), delta).DInput))
                return "you swapped W's two channel indices: the kernel that connects input channel c to filter o is W[o, c], not W[c, o].";
        }
        return "∂J/∂a[c,y,x] = Σ_o Σ_u Σ_v δ[o, y−u, x−v] · W[o,c,u,v] over the (u,v) whose δ index lies inside δ: the padded δ of every filter " +
               "cross-correlated with its rotated kernel for channel c, summed over the filters. The result has the input's shape C×H×W.";
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

    // ∂J/∂a as if only filter o had sent its δ back.
    private static Tensor FromOneFilter(Tensor a, Tensor w, Tensor delta, int o)
    {
        Tensor only = new Tensor(delta.Shape.ToArray());
        int plane = delta.Dim(1) * delta.Dim(2);
        delta.Data.AsSpan(o * plane, plane).CopyTo(only.Data.AsSpan(o * plane, plane));
        return ReferenceBackward(a, w, only).DInput;
    }
}
