using CnnFromScratch.Data;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

/// <summary>Checks for the exercises of chapter 4 (backpropagation through the fully-connected layers).</summary>
public static partial class FcBackpropExercises
{
    /// <summary>
    /// Checks a Dense backward pass against the library's <see cref="Dense"/> on the hand example and several shapes.
    /// The student's function takes x (N×D), W (K×D), b (K) and δ = ∂J/∂z (N×K) and returns
    /// (∂J/∂x, ∂J/∂W, ∂J/∂b) with the shapes of x, W and b.
    /// </summary>
    public static ExerciseResult CheckDenseBackward(Func<Tensor, Tensor, Tensor, Tensor, (Tensor dx, Tensor dW, Tensor db)> denseBackward)
    {
        ArgumentNullException.ThrowIfNull(denseBackward);
        return ExerciseCheck.Run("dense-backward", c =>
        {
            // The example worked by hand in the notebook.
            Tensor x = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
            Tensor w = Tensor.From(new float[,] { { 1, 0, -1 }, { 0.5f, 1, 0 } });
            Tensor b = Tensor.Vector(0.1f, -0.2f);
            Tensor delta = Tensor.From(new float[,] { { 1, -1 }, { 2, 0 } });
            CheckCase(c, "hand example (N=2, D=3, K=2)", denseBackward, x, w, b, delta);

            var random = new Random(4);
            foreach ((int n, int d, int k) in new[] { (1, 4, 3), (5, 7, 2), (3, 60, 10), (4, 288, 60) })
            {
                CheckCase(c, $"N={n}, D={d}, K={k}", denseBackward,
                    Tensor.RandomNormal(random, 1f, n, d), Tensor.RandomNormal(random, 0.5f, k, d),
                    Tensor.RandomNormal(random, 0.5f, k), Tensor.RandomNormal(random, 1f, n, k));
            }
        });
    }

    private static void CheckCase(
        ExerciseCheck c, string name, Func<Tensor, Tensor, Tensor, Tensor, (Tensor dx, Tensor dW, Tensor db)> denseBackward,
        Tensor x, Tensor w, Tensor b, Tensor delta)
    {
        (Tensor dx, Tensor dW, Tensor db) expected = LibraryDenseBackward(x, w, b, delta);
        int n = x.Dim(0), d = x.Dim(1), k = w.Dim(0);

        // The student gets copies, so nothing they do can change the reference.
        (Tensor dx, Tensor dW, Tensor db) = denseBackward(x.Clone(), w.Clone(), b.Clone(), delta.Clone());

        c.True(dW is not null && db is not null && dx is not null, $"{name}: return all three gradients (dx, dW, db), none null.");
        c.True(!(dW!.HasShape(d, k) && d != k), $"{name}: ∂J/∂W has shape {d}×{k}, the transpose of W ({k}×{d}).",
            "∂J/∂W = δᵀx: (K×N)·(N×D) = K×D, the shape of W. You computed xᵀδ; swap the order.");
        c.True(!db!.HasShape(n, k), $"{name}: ∂J/∂b has shape {n}×{k}, one row per sample.",
            "sum δ over the batch: ∂J/∂b_k = Σₙ δ_nk, a vector of length K like b.");
        c.True(!dx!.HasShape(n, k) || d == k, $"{name}: ∂J/∂x has shape {n}×{k}, the shape of δ instead of x ({n}×{d}).",
            "∂J/∂x = δ·W: (N×K)·(K×D) = N×D. Multiply δ by W (not by Wᵀ), summing over the K outputs.");

        if (n > 1 && db.SameShape(expected.db))
        {
            c.True(!ExerciseCheck.Agree(db, new Tensor(delta.Data[..k], k)), $"{name}: ∂J/∂b equals the first row of δ only.",
                "the bias is used by every sample, so its gradient adds up all N rows of δ.");
            c.True(!ExerciseCheck.Agree(db, expected.db * (1f / n)), $"{name}: ∂J/∂b is the mean of δ's rows, not the sum.",
                "sum over the batch; the 1/N of the mean loss is already inside δ.");
        }
        if (n > 1 && dW.SameShape(expected.dW))
            c.True(!ExerciseCheck.Agree(dW, expected.dW * (1f / n)), $"{name}: ∂J/∂W is 1/N of the expected value.",
                "don't divide by N: δ = ∂J/∂z already carries the 1/N of the mean loss.");

        c.Close($"{name}: ∂J/∂W", expected.dW, dW, 1e-3f, "∂J/∂W_kd = Σₙ δ_nk · x_nd.");
        c.Close($"{name}: ∂J/∂b", expected.db, db, 1e-3f, "∂J/∂b_k = Σₙ δ_nk.");
        c.Close($"{name}: ∂J/∂x", expected.dx, dx, 1e-3f, "∂J/∂x_nd = Σ_k δ_nk · W_kd (δ times W, not Wᵀ).");
    }

    // The reference: the library's Dense with the same W and b.
    private static (Tensor dx, Tensor dW, Tensor db) LibraryDenseBackward(Tensor x, Tensor w, Tensor b, Tensor delta)
    {
        var dense = new Dense(x.Dim(1), w.Dim(0), new Random(0));
        dense.Weights.Value.CopyFrom(w);
        dense.Bias.Value.CopyFrom(b);
        dense.Forward(x);
        dense.Weights.ZeroGradient();
        dense.Bias.ZeroGradient();
        Tensor dx = dense.Backward(delta).Clone();
        return (dx, dense.Weights.Gradient.Clone(), dense.Bias.Gradient.Clone());
    }
}
