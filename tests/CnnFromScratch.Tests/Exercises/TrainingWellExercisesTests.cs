using CnnFromScratch.Exercises;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Exercises;

// The solutions below are the ones in notebooks/solutions/07-training-well.csx; the wrong answers are the
// mistakes the checks must catch, each with the hint that names it.
public sealed class TrainingWellExercisesTests
{
    private static Tensor DropoutForward(Tensor x, Tensor u, float p) => x * u.Map(v => v >= p ? 1f / (1f - p) : 0f);

    private static Tensor DropoutBackward(Tensor delta, Tensor u, float p) => delta * u.Map(v => v >= p ? 1f / (1f - p) : 0f);

    [Fact]
    public void Dropout_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, TrainingWellExercises.CheckDropout(DropoutForward, DropoutBackward).Status);

    [Fact]
    public void Dropout_rejects_a_forward_pass_that_does_not_scale_the_kept_units()
    {
        ExerciseAssert.Rejects(TrainingWellExercises.CheckDropout((x, u, p) => x * u.Map(v => v >= p ? 1f : 0f), DropoutBackward),
            "dropout forward", "did not scale the kept ones");
    }

    [Fact]
    public void Dropout_rejects_a_mask_that_keeps_the_units_with_u_below_p()
    {
        ExerciseAssert.Rejects(TrainingWellExercises.CheckDropout((x, u, p) => x * u.Map(v => v < p ? 1f / (1f - p) : 0f), DropoutBackward),
            "keeps the units with u < p");
    }

    [Fact]
    public void Dropout_rejects_scaling_by_1_over_p()
    {
        ExerciseAssert.Rejects(TrainingWellExercises.CheckDropout((x, u, p) => x * u.Map(v => v >= p ? 1f / p : 0f), DropoutBackward),
            "not 1/p");
    }

    [Fact]
    public void Dropout_rejects_a_backward_pass_that_ignores_the_mask()
    {
        ExerciseAssert.Rejects(TrainingWellExercises.CheckDropout(DropoutForward, (delta, _, _) => delta.Clone()),
            "dropout backward", "unchanged");
    }

    [Fact]
    public void Dropout_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, TrainingWellExercises.CheckDropout(
            (_, _, _) => throw new NotImplementedException(), (_, _, _) => throw new NotImplementedException()).Status);

    // The solution: per feature j, μ, σ² (1/N), x̂, then the three gradients.
    private static (Tensor, Tensor, Tensor) BatchNormBackward(Tensor x, Tensor gamma, Tensor delta, float epsilon) =>
        BatchNormBackwardVariant(x, gamma, delta, epsilon, (n, d, xh, sd, sdx) => n * d - sd - xh * sdx);

    private static (Tensor, Tensor, Tensor) BatchNormBackwardVariant(Tensor x, Tensor gamma, Tensor delta, float epsilon,
        Func<int, double, double, double, double, double> bracket, bool unbiased = false)
    {
        int n = x.Dim(0), d = x.Dim(1);
        var dx = new Tensor(n, d);
        var dGamma = new Tensor(d);
        var dBeta = new Tensor(d);
        for (int j = 0; j < d; j++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < n; i++) mean += x[i, j];
            mean /= n;
            for (int i = 0; i < n; i++) variance += (x[i, j] - mean) * (x[i, j] - mean);
            variance /= unbiased ? n - 1 : n;
            double invStd = 1 / Math.Sqrt(variance + epsilon);
            double sumDelta = 0, sumDeltaXHat = 0;
            for (int i = 0; i < n; i++)
            {
                double xHat = (x[i, j] - mean) * invStd;
                sumDelta += delta[i, j];
                sumDeltaXHat += delta[i, j] * xHat;
            }
            dBeta[j] = (float)sumDelta;
            dGamma[j] = (float)sumDeltaXHat;
            for (int i = 0; i < n; i++)
            {
                double xHat = (x[i, j] - mean) * invStd;
                dx[i, j] = (float)(gamma[j] * invStd / n * bracket(n, delta[i, j], xHat, sumDelta, sumDeltaXHat));
            }
        }
        return (dx, dGamma, dBeta);
    }

    [Fact]
    public void Batch_norm_backward_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, TrainingWellExercises.CheckBatchNormBackward(BatchNormBackward).Status);

    [Fact]
    public void Batch_norm_backward_rejects_treating_mean_and_variance_as_constants()
    {
        ExerciseAssert.Rejects(TrainingWellExercises.CheckBatchNormBackward((x, g, delta, e) =>
            BatchNormBackwardVariant(x, g, delta, e, (n, d, _, _, _) => n * d)), "∂J/∂x", "treated μ and σ² as constants");
    }

    [Fact]
    public void Batch_norm_backward_rejects_dropping_the_path_through_the_variance()
    {
        ExerciseAssert.Rejects(TrainingWellExercises.CheckBatchNormBackward((x, g, delta, e) =>
            BatchNormBackwardVariant(x, g, delta, e, (n, d, _, sd, _) => n * d - sd)), "not the one through σ²");
    }

    [Fact]
    public void Batch_norm_backward_rejects_the_unbiased_variance()
    {
        ExerciseAssert.Rejects(TrainingWellExercises.CheckBatchNormBackward((x, g, delta, e) =>
            BatchNormBackwardVariant(x, g, delta, e, (n, d, xh, sd, sdx) => n * d - sd - xh * sdx, unbiased: true)), "biased variance");
    }

    [Fact]
    public void Batch_norm_backward_rejects_a_gamma_gradient_computed_from_x_instead_of_x_hat()
    {
        ExerciseResult r = TrainingWellExercises.CheckBatchNormBackward((x, g, delta, e) =>
        {
            var (dx, _, dBeta) = BatchNormBackward(x, g, delta, e);
            var dGamma = new Tensor(x.Dim(1));
            for (int i = 0; i < x.Dim(0); i++) for (int j = 0; j < x.Dim(1); j++) dGamma[j] += delta[i, j] * x[i, j];
            return (dx, dGamma, dBeta);
        });
        ExerciseAssert.Rejects(r, "∂J/∂γ", "not x itself");
    }

    [Fact]
    public void Batch_norm_backward_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, TrainingWellExercises.CheckBatchNormBackward((_, _, _, _) => throw new NotImplementedException()).Status);

    private static void SgdStep(Tensor theta, Tensor g, float eta, float lambda)
    {
        for (int i = 0; i < theta.Length; i++) theta.Data[i] -= eta * (g.Data[i] + lambda * theta.Data[i]);
    }

    private static Action<Tensor, Tensor, float, float> Step(Func<float, float, float, float, float> update) => (theta, g, eta, lambda) =>
    {
        for (int i = 0; i < theta.Length; i++) theta.Data[i] = update(theta.Data[i], g.Data[i], eta, lambda);
    };

    [Fact]
    public void Weight_decay_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, TrainingWellExercises.CheckWeightDecayStep(SgdStep).Status);

    [Theory]
    [InlineData("wrong sign", "the wrong sign")]
    [InlineData("decay without η", "multiplied by η too")]
    [InlineData("no decay", "left out the weight decay")]
    [InlineData("half λ", "not ½λθ")]
    public void Weight_decay_rejects_the_usual_mistakes(string mistake, string hint)
    {
        Func<float, float, float, float, float> update = mistake switch
        {
            "wrong sign" => (w, g, eta, lambda) => w - eta * (g - lambda * w),
            "decay without η" => (w, g, eta, lambda) => w - eta * g - lambda * w,
            "no decay" => (w, g, eta, _) => w - eta * g,
            _ => (w, g, eta, lambda) => w - eta * (g + 0.5f * lambda * w),
        };
        ExerciseAssert.Rejects(TrainingWellExercises.CheckWeightDecayStep(Step(update)), hint);
    }

    [Fact]
    public void Weight_decay_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, TrainingWellExercises.CheckWeightDecayStep((_, _, _, _) => throw new NotImplementedException()).Status);
}
