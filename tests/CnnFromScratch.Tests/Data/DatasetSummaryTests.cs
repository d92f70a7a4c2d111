using CnnFromScratch.Data;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Data;

public sealed class DatasetSummaryTests
{
    private static LabeledImages Data(string name, float[] pixels, int[] labels) =>
        new(new Tensor(pixels, labels.Length, 1, 1, 2), labels, ["a", "b"], name);

    [Fact]
    public void ClassCounts_has_a_row_per_class_and_a_column_per_dataset()
    {
        var frame = DatasetSummary.ClassCounts(Data("train", new float[6], [0, 1, 1]), Data("test", new float[2], [1]));
        Assert.Equal(2, frame.Rows.Count);
        Assert.Equal(new[] { "class", "name", "train", "test" }, frame.Columns.Select(c => c.Name));
        Assert.Equal(1, frame["train"][0]);
        Assert.Equal(2, frame["train"][1]);
        Assert.Equal(0, frame["test"][0]);
        Assert.Equal("b", frame["name"][1]);
    }

    [Fact]
    public void PixelStatistics_computes_mean_std_min_max_and_background_fraction()
    {
        var frame = DatasetSummary.PixelStatistics(Data("d", [0, 0, 1, 0.5f], [0, 1]));
        Assert.Equal(0.375, (double)frame["mean"][0]!, 6);
        Assert.Equal(Math.Sqrt((0.375 * 0.375 * 2 + 0.625 * 0.625 + 0.125 * 0.125) / 4), (double)frame["std"][0]!, 6);
        Assert.Equal(0.0, frame["min"][0]);
        Assert.Equal(1.0, frame["max"][0]);
        Assert.Equal(0.5, frame["fraction zero"][0]);
        Assert.Equal("1×1×2", frame["image shape"][0]);
    }

    [Fact]
    public void Summary_of_the_bundled_sample_shows_balanced_classes()
    {
        var (train, test) = MnistSample.Load();
        var frame = DatasetSummary.ClassCounts(train, test);
        Assert.Equal(10, frame.Rows.Count);
        Assert.Equal(8000L, frame[train.Name].Cast<int>().Sum(x => (long)x));
    }
}
