using CnnFromScratch.Gradients;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Plotting;
using CnnFromScratch.Tensors;
using CnnFromScratch.Tests.Training;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Plotting;

public sealed class GradientChartTests
{
    private static void AssertTitled(System.Text.Json.JsonElement layout, string title, string xTitle, string yTitle)
    {
        Assert.Contains(title, layout.GetProperty("title").GetString());
        Assert.Equal(xTitle, layout.GetProperty("xaxis").GetProperty("title").GetString());
        Assert.Equal(yTitle, layout.GetProperty("yaxis").GetProperty("title").GetString());
    }

    [Fact]
    public void GradientHeatmap_draws_the_matrix_row_by_row_with_limits_symmetric_about_zero()
    {
        var dW = Tensor.From(new float[,] { { 0.001234567f, -0.004f, 0 }, { 0, 0.002f, 0 } });
        var (trace, layout) = ChartJson.Parse(GradientHeatmap.Plot(dW, "∂J/∂W2 for one batch", "input j", "output k"));
        AssertTitled(layout, "∂J/∂W2 for one batch", "input j", "output k");
        Assert.Equal("reversed", layout.GetProperty("yaxis").GetProperty("autorange").GetString());   // row 0 on top, as in the matrix
        // In units of 1e-5, so that the largest |value| has three digits: 0.00123 → 123.
        Assert.Equal("∂J/∂W (×1e-5)", trace.GetProperty("colorbar").GetProperty("title").GetString());
        Assert.Equal(123, trace.GetProperty("z")[0][0].GetDouble());
        Assert.Equal(200, trace.GetProperty("z")[1][1].GetDouble());
        Assert.Equal(-400, trace.GetProperty("zmin").GetDouble());
        Assert.Equal(400, trace.GetProperty("zmax").GetDouble());
        Assert.Equal("rgb(255,255,255)", trace.GetProperty("colorscale")[1][1].GetString());   // 0 is white
    }

    [Fact]
    public void GradientHeatmap_of_the_largest_dense_layer_stays_under_100_KB_and_refuses_a_batch_of_kernels()
    {
        var dW1 = Tensor.RandomNormal(new Random(1), 1e-3f, 60, 288);
        string html = GradientHeatmap.Plot(dW1, "∂J/∂W1", "input i", "hidden unit j").GetHtml();
        Assert.True(html.Length < 100_000, $"{html.Length} characters");
        Assert.Contains("HeatmapTiles",
            Assert.Throws<ArgumentException>(() => GradientHeatmap.Plot(new Tensor(2, 1, 5, 5), "t", "x", "y")).Message);
    }

    [Fact]
    public void HeatmapTiles_scales_each_tile_by_its_own_largest_value_and_says_so_in_its_caption()
    {
        var weights = Tensor.From(new float[,] { { 0.5f, -0.25f }, { 0, 0.1f } });
        var gradient = Tensor.From(new float[,] { { 0, 0.002f }, { -0.004f, 0 } });
        var (trace, layout) = ChartJson.Parse(HeatmapTiles.Plot([("W", weights), ("∂J/∂W", gradient)], "Filter and gradient"));
        AssertTitled(layout, "Filter and gradient", "column j (in each tile)", "row i (in each tile)");
        var z = trace.GetProperty("z");
        int top = z.GetArrayLength() - 2;                     // the caption band is above the tiles
        Assert.Equal(1.0, z[top][0].GetDouble());              // 0.5 / 0.5
        Assert.Equal(-0.5, z[top][1].GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, z[top][2].ValueKind);   // the gap between the tiles
        Assert.Equal(0.5, z[top][4].GetDouble());              // 0.002 / 0.004, second tile
        Assert.Equal(-1.0, z[top + 1][3].GetDouble());
        var captions = layout.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();
        Assert.Equal(["W<br>max |·| = 0.5", "∂J/∂W<br>max |·| = 0.004"], captions);
        Assert.Equal(-1, trace.GetProperty("zmin").GetDouble());
        Assert.Equal(1, trace.GetProperty("zmax").GetDouble());
    }

    [Fact]
    public void HeatmapTiles_with_the_same_scale_keeps_sizes_comparable()
    {
        var big = new Tensor(2, 2).Fill(2f);
        var small = new Tensor(2, 2).Fill(0.5f);
        var (trace, _) = ChartJson.Parse(HeatmapTiles.Plot([("big", big), ("small", small)], "Same scale", sameScale: true));
        var bottom = trace.GetProperty("z")[trace.GetProperty("z").GetArrayLength() - 1];
        Assert.Equal(1.0, bottom[0].GetDouble());
        Assert.Equal(0.25, bottom[3].GetDouble());
        Assert.Equal("value / 2", trace.GetProperty("colorbar").GetProperty("title").GetString());
    }

    [Fact]
    public void HeatmapTiles_of_a_batch_puts_a_sample_per_tile_and_stays_small()
    {
        var saliency = Tensor.RandomNormal(new Random(2), 1e-4f, 8, 1, 28, 28);
        var chart = HeatmapTiles.Plot(saliency, "∂J/∂x");
        var captions = ChartJson.Layout(chart).GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();
        Assert.Equal(8, captions.Length);
        Assert.StartsWith("sample 7<br>", captions[7]);
        Assert.True(chart.GetHtml().Length < 100_000, $"{chart.GetHtml().Length} characters");
        Assert.Equal(saliency[3, 0, 2, 5], HeatmapTiles.Map(saliency, 3, 0)[2, 5]);
    }

    [Fact]
    public void HeatmapTiles_rejects_tiles_of_different_sizes_and_batches_with_a_message_that_says_what_to_do()
    {
        Assert.Contains("same size",
            Assert.Throws<ArgumentException>(() => HeatmapTiles.Plot([("a", new Tensor(2, 2)), ("b", new Tensor(3, 3))], "t")).Message);
        Assert.Contains("HeatmapTiles.Map(maps, sample, channel)",
            Assert.Throws<ArgumentException>(() => HeatmapTiles.Plot([("a", new Tensor(2, 1, 3, 3))], "t")).Message);
        Assert.Contains("2 channels", Assert.Throws<ArgumentOutOfRangeException>(() => HeatmapTiles.Map(new Tensor(1, 2, 3, 3), 0, 2)).Message);
    }

    [Fact]
    public void GradientNormCurves_draws_a_log_scale_line_per_layer_and_the_loss_on_a_second_axis()
    {
        var (x, y, _) = TinyData.Blobs(64, 4, 3, seed: 5);
        var model = new Sequential([4], new Dense(4, 8, new Random(1)), new ReLU(), new Dense(8, 3, new Random(2)));
        var recorder = new GradientRecorder(model);
        Trainer.Fit(model, new SoftmaxCrossEntropy(), new Sgd(0.1f), x, y,
            new TrainingOptions { Epochs = 1, BatchSize = 16, OnBatch = b => recorder.Record(b) });

        var chart = GradientNormCurves.Plot(recorder, "Gradient norms", yRange: (-4, 1));
        var layout = ChartJson.Layout(chart);
        AssertTitled(layout, "Gradient norms", "step (mini-batch)", "‖∂J/∂θ‖₂ (log scale)");
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal(-4, layout.GetProperty("yaxis").GetProperty("range")[0].GetDouble());
        Assert.Equal("right", layout.GetProperty("yaxis2").GetProperty("side").GetString());
        string js = chart.GetPlottingJS();
        Assert.Contains("‖∂J/∂θ‖ layer 0: Dense", js);
        Assert.Contains("‖∂J/∂θ‖ layer 2: Dense", js);
        Assert.Contains("\"x\":[1,2,3,4]", js.Replace(" ", ""));
        Assert.Contains("\"yaxis\":\"y2\"", js.Replace(" ", ""));
        Assert.DoesNotContain("y2", GradientNormCurves.Plot(recorder, showLoss: false).GetPlottingJS());
    }

    [Fact]
    public void GradientNormCurves_can_draw_a_running_mean_of_the_records()
    {
        var model = new Sequential([4], new Dense(4, 3, new Random(1)));
        var recorder = new GradientRecorder(model);
        var w = model.Parameters[0].Gradient;
        foreach (var (step, g) in new[] { (1, 1f), (2, 3f), (3, 5f), (4, 1f) })
        {
            model.ZeroGradients();
            w[0, 0] = g;                                   // ‖∂J/∂θ‖ = g
            recorder.Record(step, 10 * g);
        }
        var norms = ChartJson.FirstTrace(GradientNormCurves.Plot(recorder, smoothing: 2)).GetProperty("y");
        Assert.Equal([1, 2, 4, 3], norms.EnumerateArray().Select(v => v.GetDouble()));   // means of the last two (one at the start)
        Assert.Contains("at least one record",
            Assert.Throws<ArgumentOutOfRangeException>(() => GradientNormCurves.Plot(recorder, smoothing: 0)).Message);
    }

    [Fact]
    public void GradientHistogram_bins_log_magnitudes_per_layer_and_counts_exact_zeros()
    {
        var a = new Tensor(new float[] { 1e-3f, -1e-3f, 1e-1f, 0 }, 4);
        var b = new Tensor(new float[] { 1e-2f, 1e-2f }, 2);
        var chart = GradientHistogram.Plot([("layer a", a), ("layer b", b)], "Gradient sizes", bins: 2);
        var layout = ChartJson.Layout(chart);
        AssertTitled(layout, "Gradient sizes", "log₁₀ |∂J/∂θ| (−3 means 0.001)", "fraction of the entries");
        var first = ChartJson.FirstTrace(chart);
        Assert.Equal([-2.5, -1.5], first.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));   // −3 … −1 in two bins
        Assert.Equal([0.5, 0.25], first.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));    // of 4 entries, one is 0
        Assert.Equal("layer a (25% exactly 0)", first.GetProperty("name").GetString());
        Assert.Contains("nothing to bin", Assert.Throws<ArgumentException>(() => GradientHistogram.Plot([("z", new Tensor(3))], "t")).Message);
    }

    [Fact]
    public void GradientHistogram_of_a_snapshot_has_one_line_per_layer_with_weights()
    {
        var model = new Sequential([4], new Dense(4, 8, new Random(1)), new ReLU(), new Dense(8, 3, new Random(2)));
        var (x, y, _) = TinyData.Blobs(16, 4, 3, seed: 6);
        var snapshot = GradientSnapshot.Take(model, new SoftmaxCrossEntropy(), x, y);
        string js = GradientHistogram.Plot(snapshot, "Weight gradients").GetPlottingJS();
        Assert.Contains("layer 0: Dense", js);
        Assert.Contains("layer 2: Dense", js);
        Assert.Contains("No layer", Assert.Throws<ArgumentException>(() => GradientHistogram.Plot(snapshot, "t", "gamma")).Message);
    }
}
