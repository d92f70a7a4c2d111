using CnnFromScratch.Data;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Data;

public sealed class PreparationTests
{
    private static LabeledImages Tiny(int[] labels)
    {
        var images = new Tensor(labels.Length, 1, 2, 2);
        for (int n = 0; n < labels.Length; n++)
            for (int p = 0; p < 4; p++) images.Data[4 * n + p] = n;   // image n is filled with n, to track it
        return new LabeledImages(images, labels, ["a", "b", "c"], "tiny");
    }

    [Fact]
    public void OneHot_puts_a_single_1_at_each_label_and_Decode_inverts_it()
    {
        var y = OneHot.Encode([2, 0, 1], 3);
        Assert.Equal(new[] { 3, 3 }, y.Shape);
        Assert.Equal(new float[] { 0, 0, 1, 1, 0, 0, 0, 1, 0 }, y.Data);
        Assert.Equal(new[] { 2, 0, 1 }, OneHot.Decode(y));
    }

    [Fact]
    public void OneHot_rejects_a_label_outside_the_classes()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OneHot.Encode([0, 10], 10));
        Assert.Contains("Label 10 at position 1 is outside 0..9", e.Message);
    }

    [Fact]
    public void ToUnitRange_divides_bytes_by_255_and_adds_the_channel_axis()
    {
        var x = Normalization.ToUnitRange(IdxArray.Create(new byte[] { 0, 51, 255, 128 }, 1, 2, 2));
        Assert.Equal(new[] { 1, 1, 2, 2 }, x.Shape);
        Assert.Equal(new[] { 0f, 0.2f, 1f, 128f / 255f }, x.Data);
    }

    [Fact]
    public void Stratified_split_takes_the_fraction_from_every_class_and_depends_only_on_the_seed()
    {
        int[] labels = [.. Enumerable.Repeat(0, 50), .. Enumerable.Repeat(1, 30), .. Enumerable.Repeat(2, 20)];
        var (train, validation) = TrainValidationSplit.Stratified(labels, 0.2, seed: 7);

        Assert.Equal(Enumerable.Range(0, 100), train.Concat(validation).Order());
        Assert.Equal(new[] { 10, 6, 4 }, validation.GroupBy(i => labels[i]).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal(validation, TrainValidationSplit.Stratified(labels, 0.2, seed: 7).Validation);
        Assert.NotEqual(validation, TrainValidationSplit.Stratified(labels, 0.2, seed: 8).Validation);
    }

    [Fact]
    public void SplitValidation_keeps_each_image_with_its_label()
    {
        var data = Tiny([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
        var (train, validation) = data.SplitValidation(0.3, seed: 1);
        Assert.Equal(10, train.Count + validation.Count);
        foreach (var part in new[] { train, validation })
            for (int i = 0; i < part.Count; i++)
                Assert.Equal(data.Labels[(int)part.Images[i, 0, 0, 0]], part.Labels[i]);
    }

    [Fact]
    public void Subset_Take_Image_and_ClassCounts_agree()
    {
        var data = Tiny([2, 0, 1, 2]);
        var subset = data.Subset([3, 1]);
        Assert.Equal(new[] { 2, 0 }, subset.Labels);
        Assert.Equal(3f, subset.Images[0, 0, 1, 1]);
        Assert.Equal(new[] { 2, 2 }, data.Image(3).Shape);
        Assert.Equal(2, data.Take(2).Count);
        Assert.Equal(new[] { 1, 1, 2 }, data.ClassCounts());
        Assert.Equal(new[] { 4, 3 }, data.OneHotLabels().Shape);
    }

    [Fact]
    public void Constructor_rejects_images_and_labels_that_disagree()
    {
        var e = Assert.Throws<ArgumentException>(() => new LabeledImages(new Tensor(3, 1, 2, 2), [0, 1], ["a", "b"], "bad"));
        Assert.Contains("3 images but 2 labels", e.Message);
        Assert.Throws<ArgumentException>(() => new LabeledImages(new Tensor(3, 2, 2), [0, 1, 1], ["a", "b"]));
    }
}
