using System.Globalization;
using CnnFromScratch.Data;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Exercises;

/// <summary>
/// Checks for the training part of chapter 05: one Adam step, the mini-batch training loop, and a layer class of the
/// student's own (leaky ReLU) used inside a <see cref="Sequential"/>. The references are the library's
/// <see cref="Adam"/>, <see cref="Trainer.Fit"/> and <see cref="LeakyReLU"/>.
/// </summary>
public static class TrainingExercises
{
    /// <summary>
    /// Checks one Adam step, called as adamStep(θ, g, m, v, t, η, β1, β2, ε) for t = 1, 2, …: it must update m, v and θ
    /// in place. Six steps from m = v = 0 are compared with the library's <see cref="Adam"/> after every step, for two
    /// sets of hyper-parameters.
    /// </summary>
    public static ExerciseResult CheckAdamStep(Action<Tensor, Tensor, Tensor, Tensor, int, float, float, float, float> adamStep)
    {
        ArgumentNullException.ThrowIfNull(adamStep);
        return ExerciseCheck.Run("adam-step", c =>
        {
            var random = new Random(21);
            foreach (var (eta, beta1, beta2) in new[] { (0.01f, 0.9f, 0.999f), (0.1f, 0.8f, 0.99f) })
            {
                const float epsilon = 1e-8f;
                string settings = string.Create(CultureInfo.InvariantCulture, $"η = {eta}, β1 = {beta1}, β2 = {beta2}");
                Tensor start = Tensor.RandomNormal(random, 1f, 3, 4);
                var parameter = new Parameter("θ", start.Clone());
                var adam = new Adam(eta, beta1, beta2, epsilon);
                Tensor theta = start.Clone(), m = new Tensor(3, 4), v = new Tensor(3, 4);
                var gradients = new List<Tensor>();
                for (int t = 1; t <= 6; t++)
                {
                    // Gradients of changing size and sign, so every term of the update matters.
                    Tensor g = Tensor.RandomNormal(random, t % 2 == 0 ? 0.1f : 2f, 3, 4);
                    gradients.Add(g);
                    parameter.Gradient.CopyFrom(g);
                    adam.Step([parameter]);
                    adamStep(theta, g.Clone(), m, v, t, eta, beta1, beta2, epsilon);

                    string what = $"θ after step t = {t} ({settings})";
                    int bad = Array.FindIndex(theta.Data, x => !float.IsFinite(x));
                    c.True(bad < 0, $"{what}: θ holds {(bad < 0 ? 0 : theta.Data[bad])}.",
                        "the bias corrections are 1 − β1ᵗ and 1 − β2ᵗ with t counted from 1 (t = 0 divides by zero), and v averages g², which is never negative.");
                    c.Close(what, parameter.Value, theta, tolerance: 1e-4f, hint: AdamHint(start, gradients, theta, eta, beta1, beta2, epsilon));
                }
            }
        });
    }

    /// <summary>
    /// Checks one epoch of mini-batch training, called as trainOneEpoch(model, loss, optimizer, batches): shuffle once,
    /// then for every batch zero the gradients, run forward, loss, backward and the optimizer step, and return the epoch's
    /// mean loss over the samples. Compared with <see cref="Trainer.Fit"/> for one epoch on a small CNN and 45 samples
    /// in batches of 8 (so the last batch holds 5): same parameters afterwards, same mean loss.
    /// </summary>
    public static ExerciseResult CheckTrainingLoop(Func<Sequential, ILoss, IOptimizer, MiniBatches, double> trainOneEpoch)
    {
        ArgumentNullException.ThrowIfNull(trainOneEpoch);
        return ExerciseCheck.Run("training-loop", c =>
        {
            var (inputs, targets) = LoopData();
            const int batchSize = 8, seed = 3;

            Sequential reference = LoopModel();
            double expectedLoss = Trainer.Fit(reference, new SoftmaxCrossEntropy(), LoopOptimizer(), inputs, targets,
                new TrainingOptions { Epochs = 1, BatchSize = batchSize, Seed = seed })[0].Loss;

            Sequential model = LoopModel();
            double loss = trainOneEpoch(model, new SoftmaxCrossEntropy(), LoopOptimizer(), new MiniBatches(inputs.Clone(), targets.Clone(), batchSize, seed));
            string hint = LoopHint(model, inputs, targets, batchSize, seed);
            for (int p = 0; p < reference.Parameters.Count; p++)
                c.Close($"{reference.Parameters[p].Name} of layer {LayerOf(reference, p)} after one epoch", reference.Parameters[p].Value, model.Parameters[p].Value,
                    tolerance: 1e-4f, hint: hint);
            c.Close("the epoch's mean loss you returned", expectedLoss, loss, tolerance: 1e-5,
                hint: "add each batch's loss times its size and divide by the number of samples: the last batch holds 5 samples, not 8.");
        });
    }

    /// <summary>
    /// Checks a leaky ReLU layer class, created by create(α): a = z for z &gt; 0 and αz otherwise. Compared with the
    /// library's <see cref="LeakyReLU"/> on its own (output shape, forward, backward, input left unchanged) and inside a
    /// <see cref="Sequential"/> between a convolution and a dense layer (logits and every gradient), for α = 0.1 and 0.2
    /// and two batch sizes.
    /// </summary>
    public static ExerciseResult CheckLeakyReLULayer(Func<float, ILayer> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return ExerciseCheck.Run("leaky-relu-layer", c =>
        {
            var random = new Random(31);
            foreach (float slope in new[] { 0.1f, 0.2f })
            {
                string alpha = string.Create(CultureInfo.InvariantCulture, $"α = {slope}");
                ILayer layer = create(slope);
                c.True(layer is not null, $"create({alpha}) returned null.", "return new MyLeakyReLU(slope).");
                c.True(layer!.Parameters is { Count: 0 }, $"{alpha}: Parameters must be an empty list (a leaky ReLU learns nothing).", "return [] (or Array.Empty<Parameter>()).");
                int[] shape = layer.OutputShape([2, 5, 5]);
                c.True(shape.SequenceEqual(new[] { 2, 5, 5 }), $"{alpha}: OutputShape([2, 5, 5]) returned {TensorShape.Format(shape)}.",
                    "an element-wise layer keeps the shape: return the input shape.");

                // Values kept 0.05 away from the kink, so that the sign of z is unambiguous.
                Tensor z = Tensor.RandomNormal(random, 1f, 2, 3, 4, 4).Map(x => x + (x >= 0 ? 0.05f : -0.05f));
                Tensor dOut = Tensor.RandomNormal(random, 1f, 2, 3, 4, 4);
                var library = new LeakyReLU(slope);
                Tensor expected = library.Forward(z.Clone()).Clone();
                Tensor expectedDz = library.Backward(dOut.Clone()).Clone();

                Tensor input = z.Clone();
                Tensor a = layer.Forward(input);
                c.True(input.MaxAbsDifference(z) == 0f, $"{alpha}: Forward changed its input tensor.",
                    "write a into a new tensor: the input may belong to the layer before, which still needs it.");
                c.Close($"Forward ({alpha})", expected, a, hint: "a = z where z > 0 and α·z elsewhere (the slope multiplies the negative side).");
                Tensor dz = layer.Backward(dOut.Clone());
                c.Close($"Backward ({alpha})", expectedDz, dz, hint: LeakyBackwardHint(dz, z, dOut, slope));

                // Inside a Sequential, twice with different batch sizes: the layer must cache its own input on every Forward.
                foreach (int n in new[] { 4, 2 })
                {
                    Tensor images = Tensor.RandomNormal(random, 1f, n, 1, 6, 6);
                    Tensor y = OneHot.Encode(Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 3);
                    var (logits, dInput, gradients) = RunModel(new LeakyReLU(slope), images, y);
                    string where = $"inside a Sequential with a batch of {n} ({alpha})";
                    Tensor yourLogits, yourDInput;
                    Tensor[] yourGradients;
                    try
                    {
                        // The same instance as above: a layer is reused across batches of different sizes.
                        (yourLogits, yourDInput, yourGradients) = RunModel(layer, images, y);
                    }
                    catch (Exception e) when (e is not NotImplementedException)
                    {
                        c.True(false, $"{where}: your layer threw {e.GetType().Name}: {e.Message}",
                            "Forward must work for any batch size and cache the z of the most recent Forward, which Backward then uses.");
                        return;
                    }
                    c.Close($"the model's logits {where}", logits, yourLogits, hint: "Forward must return α·z for z ≤ 0 and z otherwise, for any batch size.");
                    for (int p = 0; p < gradients.Length; p++)
                        c.Close($"gradient {p} of the model {where}", gradients[p], yourGradients[p],
                            hint: "Backward must use the z cached by the most recent Forward (the batch size changed since the last call).");
                    c.Close($"∂J/∂input of the model {where}", dInput, yourDInput, hint: "Backward returns ∂J/∂z with the shape of z.");
                }
            }
        });
    }

    // ---- Adam ----

    private enum AdamMistake { NoBiasCorrection, SwappedBetas, SignFlipped }

    private static string AdamHint(Tensor start, List<Tensor> gradients, Tensor actual, float eta, float beta1, float beta2, float epsilon)
    {
        foreach (AdamMistake mistake in Enum.GetValues<AdamMistake>())
        {
            Tensor wrong = AdamWith(mistake, start, gradients, eta, beta1, beta2, epsilon);
            if (wrong.Data.All(float.IsFinite) && wrong.MaxAbsDifference(actual) <= 1e-4f * MathF.Max(1f, wrong.Data.Max(MathF.Abs)))
                return mistake switch
                {
                    AdamMistake.NoBiasCorrection => "you left out the bias correction (as the original NumPy series did): m and v start at 0, so divide " +
                                                    "them by 1 − β1ᵗ and 1 − β2ᵗ before the step; without it the early steps are several times too large.",
                    AdamMistake.SwappedBetas => "β1 is the fraction of the old m that is kept: m ← β1·m + (1 − β1)·g, not (1 − β1)·m + β1·g (the same for v with β2).",
                    _ => "the sign is flipped: step against the gradient, θ ← θ − η·m̂ / (√v̂ + ε).",
                };
        }
        return "m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; m̂ = m / (1 − β1ᵗ); v̂ = v / (1 − β2ᵗ); θ ← θ − η·m̂ / (√v̂ + ε), element by element, " +
               "updating m and v in place so the next call continues from them.";
    }

    // θ after all the given steps, with one plausible mistake (in float, like the student's code).
    private static Tensor AdamWith(AdamMistake mistake, Tensor start, List<Tensor> gradients, float eta, float beta1, float beta2, float epsilon)
    {
        Tensor theta = start.Clone(), m = new(start.Shape.ToArray()), v = new(start.Shape.ToArray());
        if (mistake == AdamMistake.SwappedBetas) (beta1, beta2) = (1 - beta1, 1 - beta2);
        for (int t = 1; t <= gradients.Count; t++)
        {
            Tensor g = gradients[t - 1];
            for (int i = 0; i < theta.Length; i++)
            {
                float gi = g.Data[i];
                m.Data[i] = beta1 * m.Data[i] + (1 - beta1) * gi;
                float g2 = gi * gi;
                v.Data[i] = beta2 * v.Data[i] + (1 - beta2) * g2;
                bool corrected = mistake != AdamMistake.NoBiasCorrection;
                float mHat = corrected ? m.Data[i] / (1 - MathF.Pow(beta1, t)) : m.Data[i];
                float vHat = corrected ? v.Data[i] / (1 - MathF.Pow(beta2, t)) : v.Data[i];
                float step = eta * mHat / (MathF.Sqrt(vHat) + epsilon);
                theta.Data[i] += mistake == AdamMistake.SignFlipped ? step : -step;
            }
        }
        return theta;
    }

    // ---- the training loop ----

    private static (Tensor Inputs, Tensor Targets) LoopData()
    {
        var random = new Random(41);
        Tensor inputs = Tensor.RandomUniform(random, 0f, 1f, 45, 1, 6, 6);
        Tensor targets = OneHot.Encode(Enumerable.Range(0, 45).Select(_ => random.Next(3)).ToArray(), 3);
        return (inputs, targets);
    }

    private static Sequential LoopModel()
    {
        var random = new Random(42);
        return new Sequential([1, 6, 6],
            new Conv2d(1, 2, 3, random, implementation: Implementation.Naive), new ReLU(), new MaxPool2d(2, implementation: Implementation.Naive),
            new Flatten(), new Dense(8, 3, random));
    }

    // Momentum makes the mistakes visible: gradients that are not zeroed pile up, a skipped step leaves θ unchanged.
    private static IOptimizer LoopOptimizer() => new Momentum(0.1f, 0.9f);

    private static string LayerOf(Sequential model, int parameterIndex)
    {
        int seen = 0;
        for (int k = 0; k < model.Layers.Count; k++)
        {
            seen += model.Layers[k].Parameters.Count;
            if (parameterIndex < seen) return $"{k} ({model.Layers[k].Name})";
        }
        return "?";
    }

    private enum LoopMistake { NoZeroGradients, NoShuffle, NoStep, FirstBatchOnly }

    private static string LoopHint(Sequential actual, Tensor inputs, Tensor targets, int batchSize, int seed)
    {
        foreach (LoopMistake mistake in Enum.GetValues<LoopMistake>())
        {
            Sequential wrong = LoopModel();
            RunLoopWith(mistake, wrong, inputs, targets, batchSize, seed);
            bool same = Enumerable.Range(0, wrong.Parameters.Count).All(p =>
                wrong.Parameters[p].Value.MaxAbsDifference(actual.Parameters[p].Value) <= 1e-5f);
            if (same)
                return mistake switch
                {
                    LoopMistake.NoZeroGradients => "zero the gradients (model.ZeroGradients()) before every batch: Backward adds into them, so " +
                                                   "without it each step uses the sum of all the gradients so far.",
                    LoopMistake.NoShuffle => "call batches.Shuffle() once at the start of the epoch, so the batches are drawn in a new random order.",
                    LoopMistake.NoStep => "the parameters did not move: call optimizer.Step(model.Parameters) after the backward pass of every batch " +
                                          "(a step before Backward, or a ZeroGradients between Backward and Step, sees only zero gradients).",
                    _ => "loop over every batch, b = 0 … batches.Count − 1, not only the first.",
                };
        }
        return "for every batch: model.ZeroGradients(); ŷ = model.Forward(x); loss.Forward(ŷ, y); model.Backward(loss.Backward()); " +
               "optimizer.Step(model.Parameters).";
    }

    private static void RunLoopWith(LoopMistake mistake, Sequential model, Tensor inputs, Tensor targets, int batchSize, int seed)
    {
        var batches = new MiniBatches(inputs, targets, batchSize, seed);
        var loss = new SoftmaxCrossEntropy();
        IOptimizer optimizer = LoopOptimizer();
        if (mistake != LoopMistake.NoShuffle) batches.Shuffle();
        int count = mistake == LoopMistake.FirstBatchOnly ? 1 : batches.Count;
        for (int b = 0; b < count; b++)
        {
            var (x, y) = batches.Batch(b);
            if (mistake != LoopMistake.NoZeroGradients) model.ZeroGradients();
            loss.Forward(model.Forward(x), y);
            model.Backward(loss.Backward());
            if (mistake != LoopMistake.NoStep) optimizer.Step(model.Parameters);
        }
    }

    // ---- the layer class ----

    private static string LeakyBackwardHint(Tensor? dz, Tensor z, Tensor dOut, float slope)
    {
        if (dz is null || !dz.SameShape(z)) return "Backward returns ∂J/∂z with the shape of z (and of ∂J/∂a).";
        if (dz.MaxAbsDifference(dOut) <= 1e-6f)
            return "you passed ∂J/∂a through unchanged, as if the layer were the identity: multiply by the local derivative, 1 where z > 0 and α elsewhere.";
        bool zeroWhereNegative = Enumerable.Range(0, z.Length).All(i => z.Data[i] > 0 || dz.Data[i] == 0f);
        if (zeroWhereNegative)
            return "that is plain ReLU's backward: where z ≤ 0 the leaky ReLU's derivative is α, not 0, so ∂J/∂z = α·∂J/∂a there.";
        bool maskFromGradient = Enumerable.Range(0, z.Length).All(i =>
            MathF.Abs(dz.Data[i] - (dOut.Data[i] > 0 ? dOut.Data[i] : slope * dOut.Data[i])) <= 1e-5f);
        if (maskFromGradient)
            return "the slope depends on the sign of z (remember z, or a, in Forward), not on the sign of the gradient ∂J/∂a.";
        return "∂J/∂z = ∂J/∂a where z > 0 and α·∂J/∂a elsewhere, with z the input of the last Forward call.";
    }

    private static (Tensor Logits, Tensor DInput, Tensor[] Gradients) RunModel(ILayer activation, Tensor images, Tensor y)
    {
        var random = new Random(51);
        var model = new Sequential([1, 6, 6],
            new Conv2d(1, 2, 3, random, implementation: Implementation.Naive), activation, new Flatten(), new Dense(32, 3, random));
        model.ZeroGradients();
        var loss = new SoftmaxCrossEntropy();
        Tensor logits = model.Forward(images.Clone()).Clone();
        loss.Forward(logits, y);
        Tensor dInput = model.Backward(loss.Backward()).Clone();
        return (logits, dInput, model.Parameters.Select(p => p.Gradient.Clone()).ToArray());
    }
}
