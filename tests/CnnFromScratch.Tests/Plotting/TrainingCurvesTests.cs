using CnnFromScratch.Plotting;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Plotting;

public sealed class TrainingCurvesTests
{
    [Fact]
    public void Records_every_batch_and_places_each_epoch_at_its_last_step()
    {
        var curves = new TrainingCurves("run", "test");
        for (int b = 1; b <= 3; b++) curves.AddBatch(new BatchProgress(1, b, 3, b, 2.0 / b, 0.5));
        curves.AddEpoch(new EpochResult(1, 1.2, 0.61, 0.9, 0.7, 0.1));
        for (int b = 1; b <= 3; b++) curves.AddBatch(new BatchProgress(2, b, 3, 3 + b, 0.5, 0.8));
        curves.AddEpoch(new EpochResult(2, 0.5, 0.83, 0.6, 0.85, 0.1));

        Assert.Equal(6, curves.BatchCount);
        Assert.Equal(2, curves.EpochCount);
        string html = curves.Chart().GetHtml();
        Assert.Contains("\"x\":[3,6]", html);          // epoch points sit at steps 3 and 6
        Assert.Contains("\"y\":[0.61,0.83]", html);    // training accuracy per epoch
        Assert.Contains("test accuracy", html);
        Assert.Contains("test loss", html);
    }

    [Fact]
    public void The_chart_has_a_title_axis_labels_and_a_right_hand_accuracy_axis()
    {
        var curves = new TrainingCurves("Conv net on MNIST");
        curves.AddBatch(new BatchProgress(1, 1, 1, 1, 2.3, 0.1));
        string html = curves.Chart().GetHtml();
        Assert.Contains("Conv net on MNIST", html);
        Assert.Contains("step (mini-batch)", html);
        Assert.Contains("loss (cross-entropy)", html);
        Assert.Contains("\"overlaying\":\"y\"", html);
        Assert.Contains("\"side\":\"right\"", html);
    }

    [Fact]
    public void Without_validation_results_no_validation_curves_are_drawn()
    {
        var curves = new TrainingCurves();
        curves.AddEpoch(new EpochResult(1, 1.0, 0.5, null, null, 0.1));
        string html = curves.Chart().GetHtml();
        Assert.DoesNotContain("validation accuracy", html);
        Assert.Contains("\"x\":[1]", html); // no batches recorded: the epoch number is the x position
    }
}
