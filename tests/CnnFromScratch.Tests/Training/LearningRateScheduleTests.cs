using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Warm_up_rises_linearly_to_the_base_rate()
    {
        var schedule = LearningRateSchedule.Constant(0.1f, warmupSteps: 4);
        Assert.Equal(new[] { 0.025f, 0.05f, 0.075f, 0.1f, 0.1f, 0.1f }, Enumerable.Range(0, 6).Select(schedule.At).ToArray());
    }

    [Fact]
    public void Step_decay_multiplies_by_gamma_every_step_size_steps_after_the_warm_up()
    {
        var schedule = LearningRateSchedule.Step(1f, stepSize: 3, gamma: 0.5f, warmupSteps: 2);
        float[] expected = [0.5f, 1f, 1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.25f];
        Assert.Equal(expected, Enumerable.Range(0, 9).Select(schedule.At).ToArray());
    }

    [Fact]
    public void Cosine_starts_at_the_base_rate_is_halfway_at_the_middle_and_ends_at_the_minimum()
    {
        var schedule = LearningRateSchedule.Cosine(1f, totalSteps: 110, minRate: 0.1f, warmupSteps: 10);
        Assert.Equal(1f, schedule.At(10), precision: 6);
        Assert.Equal(0.55f, schedule.At(60), precision: 6);   // η_min + (η₀ − η_min)·½(1 + cos(π/2))
        Assert.Equal(0.1f, schedule.At(110), precision: 6);
        Assert.Equal(0.1f, schedule.At(500), precision: 6);
        for (int t = 11; t <= 110; t++) Assert.True(schedule.At(t) <= schedule.At(t - 1));
    }

    [Fact]
    public void Trainer_sets_the_scheduled_rate_before_every_step()
    {
        var (x, y, _) = TinyData.Blobs(40, 4, 3, seed: 1);
        var model = new Sequential([4], new Dense(4, 3, new Random(0)));
        var optimizer = new Sgd(123f);
        var seen = new List<float>();
        var schedule = LearningRateSchedule.Step(0.1f, stepSize: 2, gamma: 0.5f, warmupSteps: 1);
        Trainer.Fit(model, new SoftmaxCrossEntropy(), optimizer, x, y,
            new TrainingOptions { Epochs = 2, BatchSize = 10, Schedule = schedule, OnBatch = _ => seen.Add(optimizer.LearningRate) });
        Assert.Equal(Enumerable.Range(0, 8).Select(schedule.At).ToArray(), seen.ToArray());
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_reason()
    {
        Assert.Contains("must exceed the warm-up", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(0.1f, 10, warmupSteps: 10)).Message);
        Assert.Contains("(0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(0.1f, 5, 2f)).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant(0f)).Message);
    }

    [Fact]
    public void Name_describes_the_schedule()
    {
        Assert.Equal("cosine(η₀=0.1, T=100, warm-up 10)", LearningRateSchedule.Cosine(0.1f, 100, warmupSteps: 10).Name);
        Assert.Equal("step(η₀=0.1, ×0.5 every 20)", LearningRateSchedule.Step(0.1f, 20, 0.5f).Name);
    }
}
