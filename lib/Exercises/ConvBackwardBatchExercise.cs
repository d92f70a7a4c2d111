using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

public static partial class ConvBackpropExercises
{
    /// <summary>
    /// Checks the full convolution backward pass: a batch of N images of C channels, O filters of C×k×k, any stride and
    /// padding. <paramref name="convBackward"/>(a, W, δ, stride, padding) gets the input a (N×C×H×W), the weights W
    /// (O×C×k×k) and δ = ∂J/∂z (N×O×Ho×Wo), and returns (∂J/∂a: N×C×H×W, ∂J/∂W: O×C×k×k, ∂J/∂b: O).
    /// Compared with the library's naive <see cref="Conv2d"/> on five shapes, with strides 1 to 3 and padding 0 to 2.
    /// </summary>
    public static ExerciseResult CheckConvBackwardBatch(Func<Tensor, Tensor, Tensor, int, int, (Tensor dA, Tensor dW, Tensor db)> convBackward)
    {
        ArgumentNullException.ThrowIfNull(convBackward);
        return ExerciseCheck.Run("conv-backward-batch", c =>
        {
            var random = new Random(12);
            foreach (var (n, channels, filters, h, w, k, stride, padding) in new[]
                     {
                         (2, 3, 2, 5, 5, 3, 1, 0), (2, 2, 3, 7, 7, 3, 2, 1), (1, 1, 1, 6, 6, 2, 2, 0),
                         (3, 2, 4, 6, 5, 3, 1, 1), (2, 1, 2, 8, 8, 4, 3, 2),
                     })
            {
                string name = $"N={n}, C={channels}, O={filters}, {h}×{w} input, {k}×{k} kernel, stride {stride}, padding {padding}";
                var conv = new Conv2d(channels, filters, k, new Random(0), stride, padding, implementation: Implementation.Naive);
                Tensor a = Tensor.RandomNormal(random, 1f, n, channels, h, w);
                Tensor weights = Tensor.RandomNormal(random, 0.5f, filters, channels, k, k);
                conv.Weights.Value.CopyFrom(weights);
                Tensor z = conv.Forward(a.Clone());
                Tensor delta = Tensor.RandomNormal(random, 1f, z.Shape.ToArray());
                conv.Weights.ZeroGradient();
                conv.Bias.ZeroGradient();
                Tensor expectedDa = conv.Backward(delta.Clone()).Clone();
                Tensor expectedDw = conv.Weights.Gradient.Clone(), expectedDb = conv.Bias.Gradient.Clone();

                var (dA, dW, db) = convBackward(a.Clone(), weights.Clone(), delta.Clone(), stride, padding);
                var mistakes = new Func<Mistake, (Tensor dA, Tensor dW, Tensor db)>(m => Scatter(a, weights, delta, stride, padding, m));
                c.Close($"∂J/∂b ({name})", expectedDb, db, hint: db is not null && db.Length == expectedDb.Length * n
                    ? "∂J/∂b has one entry per filter (length O): sum δ over the batch and over every output position."
                    : "∂J/∂b[o] = Σ_n Σ_ij δ[n, o, i, j]: the one bias of filter o was added at every position of every image.");
                c.Close($"∂J/∂W ({name})", expectedDw, dW, hint: Recognise(dW, m => mistakes(m).dW,
                    "∂J/∂W[o, c, p, q] = Σ_n Σ_ij δ[n, o, i, j] · a_padded[n, c, i·stride + p, j·stride + q]; the result has the shape of W."));
                c.Close($"∂J/∂a ({name})", expectedDa, dA, hint: Recognise(dA, m => mistakes(m).dA,
                    "for every δ[n, o, i, j] and every weight W[o, c, p, q], add δ·W to ∂J/∂a at row i·stride + p − padding and column " +
                    "j·stride + q − padding of image n, channel c, when that position lies inside the input (the padding zeros are not inputs)."));
            }
        });
    }

    private enum Mistake { None, IgnoreStride, IgnorePadding, FirstImageOnly, MeanOverBatch, RotatedKernel, SameFilterAsChannel }

    private static readonly (Mistake Mistake, string Hint)[] MistakeHints =
    [
        (Mistake.IgnoreStride, "you slid the window one pixel at a time: output (i, j) read the input from row i·stride + p and column j·stride + q, " +
                               "so its gradient goes back there."),
        (Mistake.IgnorePadding, "you forgot the padding offset: output (i, j) read input row i·stride + p − padding (the padded image starts " +
                                "'padding' rows above the real one); skip positions outside the real input."),
        (Mistake.FirstImageOnly, "only image 0 contributes to your ∂J/∂W: the weights are shared by every image of the batch, so sum over n."),
        (Mistake.MeanOverBatch, "yours is 1/N of the answer: do not divide by N; δ already carries the 1/N of the mean loss."),
        (Mistake.RotatedKernel, "you rotated the kernel: in this scatter form (each δ adds δ·W[o, c, p, q] to the input it came from) the " +
                                "rotation is already in the indices; rot180 belongs only to the 'pad δ and cross-correlate' form."),
        (Mistake.SameFilterAsChannel, "∂J/∂a[n, c] needs every filter o that read channel c: sum over all O filters, not only filter c."),
    ];

    private static string Recognise(Tensor? actual, Func<Mistake, Tensor> withMistake, string fallback)
    {
        if (actual is null) return fallback;
        foreach (var (mistake, hint) in MistakeHints)
        {
            Tensor wrong = withMistake(mistake);
            if (ExerciseCheck.Agree(actual, wrong)) return hint;
        }
        return fallback;
    }

    // The scatter form of the backward pass, with one plausible mistake switched on, to recognise it and explain.
    private static (Tensor dA, Tensor dW, Tensor db) Scatter(Tensor a, Tensor w, Tensor delta, int stride, int padding, Mistake mistake)
    {
        int n = a.Dim(0), channels = a.Dim(1), h = a.Dim(2), width = a.Dim(3);
        int filters = w.Dim(0), k = w.Dim(2), ho = delta.Dim(2), wo = delta.Dim(3);
        int s = mistake == Mistake.IgnoreStride ? 1 : stride, pad = mistake == Mistake.IgnorePadding ? 0 : padding;
        var dA = new Tensor(a.Shape.ToArray());
        var dW = new Tensor(w.Shape.ToArray());
        var db = new Tensor(filters);
        for (int img = 0; img < n; img++)
            for (int o = 0; o < filters; o++)
                for (int i = 0; i < ho; i++)
                    for (int j = 0; j < wo; j++)
                    {
                        float d = delta[img, o, i, j];
                        db[o] += d;
                        for (int ch = 0; ch < channels; ch++)
                        {
                            bool skipDa = mistake == Mistake.SameFilterAsChannel && o != ch % filters;
                            for (int p = 0; p < k; p++)
                                for (int q = 0; q < k; q++)
                                {
                                    int row = i * s + p - pad, column = j * s + q - pad;
                                    if (row < 0 || row >= h || column < 0 || column >= width) continue;
                                    float weight = mistake == Mistake.RotatedKernel ? w[o, ch, k - 1 - p, k - 1 - q] : w[o, ch, p, q];
                                    if (!skipDa) dA[img, ch, row, column] += d * weight;
                                    if (mistake != Mistake.FirstImageOnly || img == 0) dW[o, ch, p, q] += d * a[img, ch, row, column];
                                }
                        }
                    }
        if (mistake == Mistake.MeanOverBatch) dW = dW * (1f / n);
        return (dA, dW, db);
    }
}
