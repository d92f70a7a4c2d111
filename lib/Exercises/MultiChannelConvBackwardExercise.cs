using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

// The check of chapter 6's backward pass of a multi-channel convolution, and the hints that name its likely mistakes.
public static partial class GoingDeeperExercises
{
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

    // ∂J/∂a as if only filter o had sent its δ back.
    private static Tensor FromOneFilter(Tensor a, Tensor w, Tensor delta, int o)
    {
        Tensor only = new Tensor(delta.Shape.ToArray());
        int plane = delta.Dim(1) * delta.Dim(2);
        delta.Data.AsSpan(o * plane, plane).CopyTo(only.Data.AsSpan(o * plane, plane));
        return ReferenceBackward(a, w, only).DInput;
    }
}
