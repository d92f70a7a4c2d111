using CnnFromScratch.Exercises;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Exercises;

// The solutions are the ones in notebooks/solutions/05-conv-backprop.csx; each wrong answer is a mistake the check must name.
public sealed class TrainingExercisesTests
{
    // ---- Adam ----

    [Fact]
    public void Adam_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, TrainingExercises.CheckAdamStep((th, g, m, v, t, e, b1, b2, eps) => Adam(th, g, m, v, t, e, b1, b2, eps)).Status);

    [Fact]
    public void Adam_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, TrainingExercises.CheckAdamStep((_, _, _, _, _, _, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Adam_rejects_the_original_series_update_without_bias_correction() =>
        AssertAdamFails((th, g, m, v, t, e, b1, b2, eps) => Adam(th, g, m, v, t, e, b1, b2, eps, corrected: false), "t = 1", "bias correction");

    [Fact]
    // At t = 1 the corrected m̂ and v̂ are g and g² whatever the β's, so the swap shows from step 2.
    public void Adam_rejects_swapped_decay_weights() =>
        AssertAdamFails((th, g, m, v, t, e, b1, b2, eps) => Adam(th, g, m, v, t, e, 1 - b1, 1 - b2, eps), "t = 2", "fraction of the old m");

    [Fact]
    public void Adam_rejects_a_step_up_the_gradient() =>
        AssertAdamFails((th, g, m, v, t, e, b1, b2, eps) => Adam(th, g, m, v, t, -e, b1, b2, eps), "t = 1", "sign is flipped");

    [Fact]
    public void Adam_rejects_counting_t_from_zero() =>
        AssertAdamFails((th, g, m, v, t, e, b1, b2, eps) => Adam(th, g, m, v, t - 1, e, b1, b2, eps), "t = 1", "t counted from 1");

    [Fact]
    public void Adam_rejects_a_running_mean_of_g_instead_of_g_squared() =>
        AssertAdamFails((th, g, m, v, t, e, b1, b2, eps) => Adam(th, g, m, v, t, e, b1, b2, eps, square: false), "θ", "never negative");

    private static void AssertAdamFails(Action<Tensor, Tensor, Tensor, Tensor, int, float, float, float, float> attempt, string where, string hint)
    {
        ExerciseAssert.Rejects(TrainingExercises.CheckAdamStep(attempt), where, hint);
    }

    private static void Adam(Tensor theta, Tensor g, Tensor m, Tensor v, int t, float eta, float beta1, float beta2, float epsilon,
        bool corrected = true, bool square = true)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            m.Data[i] = beta1 * m.Data[i] + (1 - beta1) * g.Data[i];
            v.Data[i] = beta2 * v.Data[i] + (1 - beta2) * (square ? g.Data[i] * g.Data[i] : g.Data[i]);
            float mHat = corrected ? m.Data[i] / (1 - MathF.Pow(beta1, t)) : m.Data[i];
            float vHat = corrected ? v.Data[i] / (1 - MathF.Pow(beta2, t)) : v.Data[i];
            theta.Data[i] -= eta * mHat / (MathF.Sqrt(vHat) + epsilon);
        }
    }

    // ---- the training loop ----

    [Fact]
    public void Loop_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, TrainingExercises.CheckTrainingLoop((m, l, o, b) => TrainOneEpoch(m, l, o, b)).Status);

    [Fact]
    public void Loop_accepts_the_backward_that_skips_the_input_gradient() =>
        Assert.Equal(ExerciseStatus.Passed, TrainingExercises.CheckTrainingLoop((m, l, o, b) => TrainOneEpoch(m, l, o, b, accumulateOnly: true)).Status);

    [Fact]
    public void Loop_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, TrainingExercises.CheckTrainingLoop((_, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Loop_rejects_forgetting_to_zero_the_gradients() =>
        AssertLoopFails((m, l, o, b) => TrainOneEpoch(m, l, o, b, zero: false), "zero the gradients");

    [Fact]
    public void Loop_rejects_forgetting_to_shuffle() =>
        AssertLoopFails((m, l, o, b) => TrainOneEpoch(m, l, o, b, shuffle: false), "batches.Shuffle()");

    [Fact]
    public void Loop_rejects_forgetting_the_optimizer_step() =>
        AssertLoopFails((m, l, o, b) => TrainOneEpoch(m, l, o, b, step: false), "did not move");

    [Fact]
    public void Loop_rejects_stepping_before_the_backward_pass() =>
        AssertLoopFails((m, l, o, b) => TrainOneEpoch(m, l, o, b, stepFirst: true), "a step before Backward");

    [Fact]
    public void Loop_rejects_training_on_the_first_batch_only() =>
        AssertLoopFails((m, l, o, b) => TrainOneEpoch(m, l, o, b, batchesToRun: 1), "every batch");

    [Fact]
    public void Loop_rejects_an_unweighted_mean_of_the_batch_losses() =>
        AssertLoopFails((m, l, o, b) => TrainOneEpoch(m, l, o, b, weightBySize: false), "the last batch holds 5");

    private static void AssertLoopFails(Func<Sequential, ILoss, IOptimizer, MiniBatches, double> attempt, string hint)
    {
        ExerciseAssert.Rejects(TrainingExercises.CheckTrainingLoop(attempt), hint);
    }

    private static double TrainOneEpoch(Sequential model, ILoss loss, IOptimizer optimizer, MiniBatches batches,
        bool zero = true, bool shuffle = true, bool step = true, bool stepFirst = false, int? batchesToRun = null,
        bool weightBySize = true, bool accumulateOnly = false)
    {
        if (shuffle) batches.Shuffle();
        double total = 0;
        int runs = batchesToRun ?? batches.Count;
        for (int b = 0; b < runs; b++)
        {
            var (x, y) = batches.Batch(b);
            if (zero) model.ZeroGradients();
            double batchLoss = loss.Forward(model.Forward(x), y);
            if (stepFirst) optimizer.Step(model.Parameters);
            if (accumulateOnly) model.Backward(loss.Backward(), inputGradient: false);
            else model.Backward(loss.Backward());
            if (step && !stepFirst) optimizer.Step(model.Parameters);
            total += weightBySize ? batchLoss * x.Dim(0) : batchLoss;
        }
        return weightBySize ? total / batches.SampleCount : total / runs;
    }

    // ---- the layer class ----

    [Fact]
    public void Layer_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, TrainingExercises.CheckLeakyReLULayer(slope => new Leaky(slope)).Status);

    [Fact]
    public void Layer_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, TrainingExercises.CheckLeakyReLULayer(slope => new Leaky(slope, stub: true)).Status);

    [Fact]
    public void Layer_rejects_a_backward_that_passes_the_gradient_through() =>
        AssertLayerFails(slope => new Leaky(slope, backward: Leaky.Backwards.Identity), "Backward (α = 0.1)", "as if the layer were the identity");

    [Fact]
    public void Layer_rejects_plain_ReLUs_backward() =>
        AssertLayerFails(slope => new Leaky(slope, backward: Leaky.Backwards.ZeroBelow), "Backward (α = 0.1)", "plain ReLU's backward");

    [Fact]
    public void Layer_rejects_a_slope_chosen_by_the_sign_of_the_gradient() =>
        AssertLayerFails(slope => new Leaky(slope, backward: Leaky.Backwards.SignOfGradient), "Backward (α = 0.1)", "not on the sign of the gradient");

    [Fact]
    public void Layer_rejects_a_forward_that_overwrites_its_input() =>
        AssertLayerFails(slope => new Leaky(slope, inPlace: true), "α = 0.1", "changed its input");

    [Fact]
    public void Layer_rejects_a_hard_coded_slope() =>
        AssertLayerFails(_ => new Leaky(0.1f), "Forward (α = 0.2)", "slope multiplies the negative side");

    [Fact]
    public void Layer_rejects_a_layer_that_caches_only_its_first_input() =>
        AssertLayerFails(slope => new Leaky(slope, cacheOnce: true), "inside a Sequential with a batch of 4 (α = 0.1): your layer threw", "most recent Forward");

    private static void AssertLayerFails(Func<float, ILayer> create, string where, string hint)
    {
        ExerciseAssert.Rejects(TrainingExercises.CheckLeakyReLULayer(create), where, hint);
    }

    // The solution's class, with switches for the plausible wrong answers.
    private sealed class Leaky(float slope, bool stub = false, Leaky.Backwards backward = Leaky.Backwards.Right, bool inPlace = false, bool cacheOnce = false) : ILayer
    {
        public enum Backwards { Right, Identity, ZeroBelow, SignOfGradient }

        private Tensor? _z;

        public string Name => $"MyLeakyReLU({slope})";

        public IReadOnlyList<Parameter> Parameters => [];

        public int[] OutputShape(IReadOnlyList<int> inputShape) => inputShape.ToArray();

        public Tensor Forward(Tensor input)
        {
            if (stub) throw new NotImplementedException();
            if (!cacheOnce || _z is null) _z = input.Clone();
            Tensor a = inPlace ? input : new Tensor(input.Shape.ToArray());
            for (int i = 0; i < a.Length; i++) a.Data[i] = input.Data[i] > 0 ? input.Data[i] : slope * input.Data[i];
            return a;
        }

        public Tensor Backward(Tensor dOutput)
        {
            var dz = new Tensor(dOutput.Shape.ToArray());
            for (int i = 0; i < dz.Length; i++)
            {
                float g = dOutput.Data[i];
                bool positive = backward == Backwards.SignOfGradient ? g > 0 : _z!.Data[i] > 0;
                dz.Data[i] = backward switch
                {
                    Backwards.Identity => g,
                    Backwards.ZeroBelow => positive ? g : 0f,
                    _ => positive ? g : slope * g,
                };
            }
            return dz;
        }
    }
}
