using CnnFromScratch.Gradients;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Losses;

public sealed class SoftmaxCrossEntropyTests
{
    private static Tensor OneHot(int classes, params int[] labels)
    {
        var y = new Tensor(labels.Length, classes);
        for (int n = 0; n < labels.Length; n++) y[n, labels[n]] = 1f;
        return y;
    }

    [Fact]
    public void Backward_matches_numerical_gradient_for_one_hot_targets()
    {
        var logits = Tensor.RandomNormal(new Random(1), 2f, 4, 5);
        // Threshold 1e-3: the loss is accumulated in double, so correct gradients land near 1e-6.
        GradientCheckResult result = GradientChecker.CheckLoss(new SoftmaxCrossEntropy(), logits, OneHot(5, 0, 3, 4, 1));
        Assert.True(result.Passed, result.ToString());
        Assert.True(result.MaxRelativeError < 1e-4, result.ToString());
    }

    [Fact]
    public void Backward_matches_numerical_gradient_for_probability_targets()
    {
        var logits = Tensor.RandomNormal(new Random(2), 1f, 3, 4);
        var target = Tensor.From(new float[,] { { 0.25f, 0.25f, 0.5f, 0f }, { 0.1f, 0.2f, 0.3f, 0.4f }, { 0f, 0f, 0f, 1f } });
        GradientCheckResult result = GradientChecker.CheckLoss(new SoftmaxCrossEntropy(), logits, target);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Confident_correct_prediction_has_zero_loss()
    {
        var loss = new SoftmaxCrossEntropy();
        var logits = Tensor.From(new float[,] { { 1000f, 0f, -5f }, { 0f, 200f, 0f } });
        Assert.Equal(0.0, loss.Forward(logits, OneHot(3, 0, 1)), precision: 12);
    }

    [Fact]
    public void Confident_wrong_prediction_costs_the_logit_gap_without_overflowing()
    {
        var loss = new SoftmaxCrossEntropy();
        // −log ŷ_1 = log(e^1000 + e^0) − 0 ≈ 1000: finite, although e^1000 overflows.
        double j = loss.Forward(Tensor.From(new float[,] { { 1000f, 0f } }), OneHot(2, 1));
        Assert.Equal(1000.0, j, precision: 6);
        Assert.All(loss.Probabilities.Data, p => Assert.True(float.IsFinite(p)));
        Assert.Equal(1f, loss.Probabilities[0, 0]);
    }

    [Fact]
    public void Uniform_logits_cost_log_K()
    {
        var loss = new SoftmaxCrossEntropy();
        Assert.Equal(Math.Log(10), loss.Forward(new Tensor(3, 10).Fill(7f), OneHot(10, 0, 5, 9)), precision: 6);
    }

    [Fact]
    public void Gradient_is_probabilities_minus_targets_over_N()
    {
        var loss = new SoftmaxCrossEntropy();
        var logits = Tensor.From(new float[,] { { 1f, 2f, 3f }, { 0.5f, -1f, 2f } });
        var y = OneHot(3, 2, 0);
        loss.Forward(logits, y);
        Tensor dz = loss.Backward();
        for (int n = 0; n < 2; n++)
        {
            // ŷ from the definition e^{z_k} / Σ e^{z_j}, in double.
            double sum = 0;
            for (int k = 0; k < 3; k++) sum += Math.Exp(logits[n, k]);
            for (int k = 0; k < 3; k++)
            {
                double p = Math.Exp(logits[n, k]) / sum;
                Assert.Equal(p, loss.Probabilities[n, k], precision: 6);
                Assert.Equal((loss.Probabilities[n, k] - y[n, k]) / 2f, dz[n, k]);
            }
        }
    }

    [Fact]
    public void Forward_and_backward_work_at_logits_around_1000()
    {
        var loss = new SoftmaxCrossEntropy();
        var logits = Tensor.From(new float[,] { { 1000f, 999f, 998f } });
        double j = loss.Forward(logits, OneHot(3, 1));
        // Shifting all logits by a constant changes nothing: same as logits 2, 1, 0.
        double expected = Math.Log(Math.Exp(2) + Math.Exp(1) + 1) - 1;
        Assert.Equal(expected, j, precision: 6);
        Assert.All(loss.Backward().Data, g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void Targets_whose_rows_do_not_sum_to_one_are_rejected_with_the_row()
    {
        var loss = new SoftmaxCrossEntropy();
        var y = Tensor.From(new float[,] { { 1f, 0f }, { 1f, 1f } });
        var e = Assert.Throws<ArgumentException>(() => loss.Forward(new Tensor(2, 2), y));
        Assert.Contains("row 1 sums to 2", e.Message);
        Assert.Contains("one-hot", e.Message);
    }

    [Fact]
    public void Labels_instead_of_one_hot_targets_are_rejected_with_a_hint()
    {
        var e = Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropy().Forward(new Tensor(3, 10), Tensor.Vector(1, 2, 3)));
        Assert.Contains("3×10", e.Message);
        Assert.Contains("one-hot encode", e.Message);
    }

    [Fact]
    public void Mismatched_class_counts_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropy().Forward(new Tensor(2, 10), OneHot(9, 0, 1)));
        Assert.Contains("2×10", e.Message);
        Assert.Contains("2×9", e.Message);
    }

    [Fact]
    public void Backward_before_forward_says_what_to_do()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new SoftmaxCrossEntropy().Backward());
        Assert.Contains("Forward", e.Message);
    }
}
