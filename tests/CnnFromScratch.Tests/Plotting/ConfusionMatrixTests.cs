using CnnFromScratch.Plotting;

namespace CnnFromScratch.Tests.Plotting;

public sealed class ConfusionMatrixTests
{
    private static readonly string[] Names = ["cat", "dog", "fox"];

    // 6 images: cats 2 right; dogs 1 right, 1 taken for a cat; foxes 1 right, 1 taken for a dog.
    private static readonly int[] True = [0, 0, 1, 1, 2, 2];
    private static readonly int[] Predicted = [0, 0, 1, 0, 2, 1];

    [Fact]
    public void Counts_each_true_and_predicted_pair_with_true_classes_as_rows()
    {
        var cm = new ConfusionMatrix(True, Predicted, Names);
        Assert.Equal(2, cm[0, 0]);
        Assert.Equal(1, cm[1, 0]);   // a dog predicted as a cat
        Assert.Equal(0, cm[0, 1]);   // no cat predicted as a dog
        Assert.Equal(1, cm[2, 1]);
        Assert.Equal(4 / 6.0, cm.Accuracy, 12);
        Assert.Equal(0.5, cm.Recall(1), 12);
    }

    [Fact]
    public void The_data_frame_has_a_row_per_true_class_a_column_per_prediction_and_the_recall()
    {
        var frame = new ConfusionMatrix(True, Predicted, Names).ToDataFrame();
        Assert.Equal(["true", "→cat", "→dog", "→fox", "recall"], frame.Columns.Select(c => c.Name));
        Assert.Equal(3, frame.Rows.Count);
        Assert.Equal("dog", frame.Columns["true"][1]);
        Assert.Equal(1, frame.Columns["→cat"][1]);
        Assert.Equal(1, frame.Columns["→dog"][1]);
        Assert.Equal(0.5, frame.Columns["recall"][2]);
    }

    [Fact]
    public void The_heatmap_has_a_title_axis_labels_and_every_count_written_in_its_cell()
    {
        var (trace, layout) = ChartJson.Parse(new ConfusionMatrix(True, Predicted, Names).Plot());
        Assert.Contains("6 images", layout.GetProperty("title").GetString());
        Assert.Equal("predicted", layout.GetProperty("xaxis").GetProperty("title").GetString());
        Assert.Equal("true", layout.GetProperty("yaxis").GetProperty("title").GetString());
        Assert.Equal("reversed", layout.GetProperty("yaxis").GetProperty("autorange").GetString());
        Assert.Equal(1, trace.GetProperty("z")[1][0].GetDouble());   // row = true dog, column = predicted cat
        Assert.Equal("rgb(255,255,255)", trace.GetProperty("colorscale")[0][1].GetString());   // zero is white

        var annotations = layout.GetProperty("annotations").EnumerateArray().ToArray();
        Assert.Equal(9, annotations.Length);
        var dogAsCat = Assert.Single(annotations, a => a.GetProperty("x").GetString() == "cat" && a.GetProperty("y").GetString() == "dog");
        Assert.Equal("1", dogAsCat.GetProperty("text").GetString());
    }

    [Fact]
    public void Mismatched_or_out_of_range_labels_are_rejected_with_a_message_that_says_what_is_wrong()
    {
        Assert.Contains("one prediction per image",
            Assert.Throws<ArgumentException>(() => new ConfusionMatrix(True, Predicted.Take(5).ToArray(), Names)).Message);
        Assert.Contains("classes are 0 … 2",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionMatrix([0, 3], [0, 0], Names)).Message);
    }
}
