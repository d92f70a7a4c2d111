using CnnFromScratch.Data;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Training;

public sealed class TrainingModeTests
{
    private static (Sequential Model, Dropout Dropout, BatchNorm Norm) Model()
    {
        var random = new Random(1);
        var dropout = new Dropout(0.5f, random);
        var norm = new BatchNorm(8);
        return (new Sequential([4], new Dense(4, 8, random), norm, new ReLU(), dropout, new Dense(8, 3, random)), dropout, norm);
    }

    [Fact]
    public void Setting_Training_on_the_model_switches_every_layer_that_has_a_mode()
    {
        var (model, dropout, norm) = Model();
        Assert.True(model.Training && dropout.Training && norm.Training);
        model.Training = false;
        Assert.False(dropout.Training || norm.Training);
    }

    [Fact]
    public void Evaluate_and_Predict_run_in_evaluation_mode_and_restore_the_mode()
    {
        var (model, dropout, norm) = Model();
        var (x, y, _) = TinyData.Blobs(20, 4, 3, seed: 3);
        float meanBefore = norm.RunningMean[0];
        var first = model.Evaluate(new SoftmaxCrossEntropy(), x, y);
        var second = model.Evaluate(new SoftmaxCrossEntropy(), x, y);
        Assert.Equal(first, second);                                        // no dropout noise
        Assert.Equal(meanBefore, norm.RunningMean[0]);                      // no running-statistics update
        Assert.Equal(model.Predict(x), model.Predict(x));
        Assert.True(model.Training && dropout.Training);                    // restored
        model.Training = false;
        model.Evaluate(new SoftmaxCrossEntropy(), x, y);
        Assert.False(model.Training);
    }

    [Fact]
    public void Fit_trains_in_training_mode_even_after_the_model_was_switched_to_evaluation()
    {
        var (model, _, norm) = Model();
        var (x, y, _) = TinyData.Blobs(40, 4, 3, seed: 4);
        model.Training = false;
        Trainer.Fit(model, new SoftmaxCrossEntropy(), new Sgd(0.05f), x, y, new TrainingOptions { Epochs = 1, BatchSize = 10 });
        Assert.True(model.Training);
        Assert.NotEqual(0f, norm.RunningMean[0]);                           // batch statistics were used and recorded
    }

    [Fact]
    public void A_network_with_batch_norm_and_dropout_passes_the_whole_model_gradient_check()
    {
        var random = new Random(5);
        var dropout = new Dropout(0.3f, random) { FreezeMask = true };
        var model = new Sequential([1, 6, 6],
            new Conv2d(1, 2, 3, random), new BatchNorm(2), new ReLU(), new Flatten(),
            new Dense(32, 6, random), new BatchNorm(6), new ReLU(), dropout, new Dense(6, 3, random));
        Tensor x = Tensor.RandomNormal(random, 1f, 5, 1, 6, 6);
        Tensor y = OneHot.Encode([0, 1, 2, 1, 0], 3);
        var report = CnnFromScratch.Gradients.GradientChecker.CheckModel(model, new SoftmaxCrossEntropy(), x, y);
        // A bias right before BatchNorm is subtracted again with the mean: its gradient is exactly 0 (and the numerical
        // one is rounding noise), so the relative error is meaningless there. Every other gradient must pass.
        var biasesBeforeNorm = report.Results.Where(r => r.Target.Contains("Conv2d") && r.Target.EndsWith("bias") || r.Target.Contains("Dense(32→6) bias")).ToList();
        Assert.Equal(2, biasesBeforeNorm.Count);
        Assert.All(biasesBeforeNorm, r => Assert.True(Math.Abs(r.AnalyticAtWorst) < 1e-6 && Math.Abs(r.NumericalAtWorst) < 1e-3, r.ToString()));
        Assert.All(report.Results.Except(biasesBeforeNorm), r => Assert.True(r.Passed, report.ToString()));
    }
}
