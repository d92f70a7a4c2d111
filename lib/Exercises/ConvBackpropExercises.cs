using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

/// <summary>
/// Checks for chapter 05 (convolution backprop): the backward pass of a single-channel convolution and of max pooling,
/// compared with the library's <see cref="Conv2d"/> and <see cref="MaxPool2d"/> on several inputs, starting with the
/// chapter's hand examples.
/// </summary>
public static partial class ConvBackpropExercises
{
    /// <summary>
    /// Checks a single-channel convolution backward pass (stride 1, no padding).
    /// <paramref name="dWeights"/>(a, δ) must return ∂J/∂W (k×k, with k = H − Hδ + 1) and
    /// <paramref name="dInput"/>(δ, W) must return ∂J/∂a (H×W, with H = Hδ + k − 1), for an input a (H×W),
    /// a kernel W (k×k) and δ = ∂J/∂z (Hδ×Wδ), all rank-2 tensors.
    /// </summary>
    public static ExerciseResult CheckConvBackward(Func<Tensor, Tensor, Tensor> dWeights, Func<Tensor, Tensor, Tensor> dInput) =>
        ExerciseCheck.Run("conv-backward", c =>
        {
            foreach (var (name, a, w, delta) in ConvCases())
            {
                var (expectedDw, expectedDa) = ReferenceConvBackward(a, w, delta);

                Tensor? dw = dWeights(a.Clone(), delta.Clone());
                string dwHint = dw is not null && dw.SameShape(expectedDw) && ExerciseCheck.Agree(dw, Convolution.Rotate180(expectedDw))
                    ? "your ∂J/∂W is the right answer rotated by 180°: you slid δ's indices over the input the wrong way round " +
                      "(input and δ swapped). Use ∂J/∂W[p,q] = Σᵢⱼ δ[i,j]·a[i+p, j+q]: W[p,q] met a[i+p, j+q] when it made z[i,j]."
                    : "∂J/∂W[p,q] = Σᵢⱼ δ[i,j]·a[i+p, j+q], summed over every position (i,j) of δ; the result has the kernel's shape k×k with k = H − Hδ + 1.";
                c.Close($"∂J/∂W ({name})", expectedDw, dw, hint: dwHint);

                Tensor? da = dInput(delta.Clone(), w.Clone());
                string daHint = da is not null && da.SameShape(expectedDa) && ExerciseCheck.Agree(da, FullCorrelate(delta, w))
                    ? "you forgot to rotate the kernel by 180°: sliding the padded δ over W itself pairs each δ with the wrong weight. " +
                      "Use ∂J/∂a = pad(δ, k − 1) ⊛ rot180(W)."
                    : "∂J/∂a[i,j] = Σ_pq δ[i−p, j−q]·W[p,q] over the (p,q) whose δ index is inside δ; equivalently pad δ with k − 1 zeros " +
                      "on every side and cross-correlate it with rot180(W). The result has the input's shape.";
                c.Close($"∂J/∂a ({name})", expectedDa, da, hint: daHint);
            }
        });

    private static IEnumerable<(string Name, Tensor A, Tensor W, Tensor Delta)> ConvCases()
    {
        // The chapter's hand example: 3×3 input, 2×2 kernel with four different weights (so a missing rotation shows).
        yield return ("3×3 input, 2×2 kernel (the hand example)",
            Tensor.From(new float[,] { { 1, 0, 0 }, { 1, 2, 3 }, { 3, 4, 5 } }),
            Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } }),
            Tensor.From(new float[,] { { 1, -1 }, { 2, 0.5f } }));
        var random = new Random(5);
        foreach (var (h, w, k) in new[] { (5, 5, 3), (6, 4, 3), (7, 7, 4), (4, 5, 1) })
            yield return ($"{h}×{w} input, {k}×{k} kernel",
                Tensor.RandomNormal(random, 1f, h, w),
                Tensor.RandomNormal(random, 1f, k, k),
                Tensor.RandomNormal(random, 1f, h - k + 1, w - k + 1));
    }

    // The library's naive layers are the reference answers.
    private static (Tensor DWeights, Tensor DInput) ReferenceConvBackward(Tensor a, Tensor w, Tensor delta)
    {
        int k = w.Dim(0);
        var conv = new Conv2d(1, 1, k, new Random(0), implementation: Implementation.Naive);
        conv.Weights.Value.CopyFrom(w);
        conv.Bias.Value.Fill(0f);
        conv.Forward(a.Clone().Reshape(1, 1, a.Dim(0), a.Dim(1)));
        conv.Weights.ZeroGradient();
        conv.Bias.ZeroGradient();
        Tensor dInput = conv.Backward(delta.Clone().Reshape(1, 1, delta.Dim(0), delta.Dim(1)));
        return (conv.Weights.Gradient.Clone().Reshape(k, k), dInput.Clone().Reshape(a.Dim(0), a.Dim(1)));
    }

    // The no-rotation mistake: pad(δ, k − 1) cross-correlated with W itself, used only to recognise it and explain.
    private static Tensor FullCorrelate(Tensor delta, Tensor w)
    {
        int k = w.Dim(0), hd = delta.Dim(0), wd = delta.Dim(1);
        var result = new Tensor(hd + k - 1, wd + k - 1);
        for (int i = 0; i < result.Dim(0); i++)
            for (int j = 0; j < result.Dim(1); j++)
                for (int p = 0; p < k; p++)
                    for (int q = 0; q < k; q++)
                    {
                        int di = i + p - (k - 1), dj = j + q - (k - 1);
                        if (di >= 0 && di < hd && dj >= 0 && dj < wd) result[i, j] += delta[di, dj] * w[p, q];
                    }
        return result;
    }
}
