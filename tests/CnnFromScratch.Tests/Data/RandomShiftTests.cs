using CnnFromScratch.Data;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Data;

public sealed class RandomShiftTests
{
    [Fact]
    public void Shift_moves_the_picture_down_and_right_and_fills_with_zeros()
    {
        float[] source = [1, 2, 3, 4, 5, 6, 7, 8, 9];   // 3×3
        var destination = new float[9];
        RandomShift.Shift(source, destination, 3, 3, dy: 1, dx: -1);
        Assert.Equal(new float[] { 0, 0, 0, 2, 3, 0, 5, 6, 0 }, destination);
        RandomShift.Shift(source, destination, 3, 3, dy: -2, dx: 2);
        Assert.Equal(new float[] { 0, 0, 7, 0, 0, 0, 0, 0, 0 }, destination);
        RandomShift.Shift(source, destination, 3, 3, dy: 0, dx: 3);
        Assert.All(destination, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Apply_shifts_each_image_by_at_most_k_pixels_and_keeps_every_pixel_it_does_not_push_out()
    {
        var random = new Random(1);
        var images = new Tensor(64, 1, 10, 10);
        for (int n = 0; n < 64; n++) images[n, 0, 5, 4] = 1f;   // one lit pixel, far from the border
        var shifts = new HashSet<(int, int)>();
        new RandomShift(2, random).Apply(images);
        for (int n = 0; n < 64; n++)
        {
            var lit = Enumerable.Range(0, 100).Where(i => images.Data[n * 100 + i] == 1f).ToArray();
            Assert.Single(lit);
            int dy = lit[0] / 10 - 5, dx = lit[0] % 10 - 4;
            Assert.InRange(dy, -2, 2);
            Assert.InRange(dx, -2, 2);
            shifts.Add((dy, dx));
        }
        Assert.True(shifts.Count > 15, $"only {shifts.Count} of the 25 shifts were drawn in 64 images");
    }

    [Fact]
    public void Apply_allocates_nothing_after_the_first_batch()
    {
        var shift = new RandomShift(1, new Random(2));
        var images = Tensor.RandomUniform(new Random(3), 0f, 1f, 32, 1, 28, 28);
        shift.Apply(images);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) shift.Apply(images);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Rejects_a_batch_that_is_not_images()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomShift(1, new Random(0)).Apply(new Tensor(4, 784)));
        Assert.Contains("N×C×H×W", e.Message);
        Assert.Contains("4×784", e.Message);
    }
}
