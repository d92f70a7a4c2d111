using CnnFromScratch.Exercises;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Exercises;

// The solutions in notebooks/solutions/06-going-deeper.csx, with a switch for each plausible mistake the checks must
// catch, each with the hint that names it.
public sealed class GoingDeeperExercisesTests
{
    [Fact]
    public void Forward_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p)).Status);

    [Fact]
    public void Forward_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, GoingDeeperExercises.CheckConvForward((_, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Forward_rejects_overwriting_the_sum_for_each_input_channel()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p, lastChannelOnly: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("the hand example", r.Message);
        Assert.Contains("only one input channel", r.Message);
    }

    [Fact]
    public void Forward_rejects_the_bias_added_once_per_input_channel()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p, biasPerChannel: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("once per input channel", r.Message);
    }

    [Fact]
    public void Forward_rejects_a_forgotten_bias()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p, noBias: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("forgot the bias", r.Message);
    }

    [Fact]
    public void Forward_rejects_the_two_channel_indices_of_the_weights_swapped()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p, swapChannels: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("the hand example", r.Message);
        Assert.Contains("swapped W's two channel indices", r.Message);
    }

    [Fact]
    public void Forward_rejects_flipped_kernels()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p, flipKernels: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("flipped the kernels", r.Message);
    }

    [Fact]
    public void Forward_rejects_ignoring_the_padding()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, 0));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("padding 1", r.Message);
        Assert.Contains("expected shape", r.Message);
        Assert.Contains("unpadded convolution", r.Message);
    }

    [Fact]
    public void Backward_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d)).Status);

    [Fact]
    public void Backward_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, GoingDeeperExercises.CheckConvBackward((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Backward_rejects_an_input_gradient_from_the_last_filter_only()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, inputFromLastFilterOnly: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("∂J/∂a (the hand example", r.Message);
        Assert.Contains("one filter only", r.Message);
    }

    [Fact]
    public void Backward_rejects_an_input_gradient_without_the_rotation()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, noRotation: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("∂J/∂a", r.Message);
        Assert.Contains("forgot to rotate", r.Message);
    }

    [Fact]
    public void Backward_rejects_an_input_gradient_with_the_channel_indices_swapped()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, inputSwapChannels: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("∂J/∂a", r.Message);
        Assert.Contains("swapped W's two channel indices", r.Message);
    }

    [Fact]
    public void Backward_rejects_a_bias_gradient_summed_over_every_filter()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, biasSumsAllFilters: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("∂J/∂b", r.Message);
        Assert.Contains("sum of all of δ", r.Message);
    }

    [Fact]
    public void Backward_rejects_a_weight_gradient_with_input_and_delta_swapped()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, weightRotated: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("∂J/∂W", r.Message);
        Assert.Contains("rotated by 180°", r.Message);
    }

    [Fact]
    public void Backward_rejects_a_weight_gradient_with_the_channel_indices_swapped()
    {
        ExerciseResult r = GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, weightSwapChannels: true));
        Assert.Equal(ExerciseStatus.Failed, r.Status);
        Assert.Contains("∂J/∂W", r.Message);
        Assert.Contains("channel indices swapped", r.Message);
    }

    [Fact]
    public void The_hand_example_gives_the_sums_worked_out_in_the_chapter()
    {
        var (a, w, b) = GoingDeeperExercises.HandExample();
        Tensor z = Forward(a, w, b, 0);
        // Filter 0: the diagonal of channel 0 plus the top row of channel 1, plus 1; filter 1: the anti-diagonal of channel 0 minus channel 1's bottom right.
        Assert.Equal(new float[] { 5, 3, 4, 6, -2, 2, 2, -1 }, z.Data);
    }

    private static Tensor Forward(Tensor a, Tensor w, Tensor b, int p,
        bool lastChannelOnly = false, bool biasPerChannel = false, bool noBias = false, bool swapChannels = false, bool flipKernels = false)
    {
        int channels = a.Dim(0), h = a.Dim(1), wd = a.Dim(2), filters = w.Dim(0), k = w.Dim(2);
        var z = new Tensor(filters, h + 2 * p - k + 1, wd + 2 * p - k + 1);
        for (int o = 0; o < filters; o++)
            for (int i = 0; i < z.Dim(1); i++)
                for (int j = 0; j < z.Dim(2); j++)
                {
                    float sum = noBias || biasPerChannel ? 0 : b[o];
                    for (int c = 0; c < channels; c++)
                    {
                        if (lastChannelOnly) sum = b[o];
                        if (biasPerChannel) sum += b[o];
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++)
                            {
                                int y = i + u - p, x = j + v - p;
                                if (y < 0 || y >= h || x < 0 || x >= wd) continue;
                                float weight = swapChannels ? w[c, o, u, v] : flipKernels ? w[o, c, k - 1 - u, k - 1 - v] : w[o, c, u, v];
                                sum += a[c, y, x] * weight;
                            }
                    }
                    z[o, i, j] = sum;
                }
        return z;
    }

    private static (Tensor DWeights, Tensor DBias, Tensor DInput) Backward(Tensor a, Tensor w, Tensor delta,
        bool inputFromLastFilterOnly = false, bool noRotation = false, bool inputSwapChannels = false,
        bool biasSumsAllFilters = false, bool weightRotated = false, bool weightSwapChannels = false)
    {
        int channels = a.Dim(0), filters = w.Dim(0), k = w.Dim(2), oh = delta.Dim(1), ow = delta.Dim(2);
        var dW = new Tensor(filters, channels, k, k);
        var db = new Tensor(filters);
        var da = new Tensor(a.Shape.ToArray());
        for (int o = 0; o < filters; o++)
        {
            if (inputFromLastFilterOnly) da.Fill(0);
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float d = delta[o, i, j];
                    if (biasSumsAllFilters) for (int q = 0; q < filters; q++) db[q] += d;
                    else db[o] += d;
                    for (int c = 0; c < channels; c++)
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++)
                            {
                                int pu = weightRotated ? k - 1 - u : u, pv = weightRotated ? k - 1 - v : v;
                                if (weightSwapChannels) dW[c, o, pu, pv] += d * a[c, i + u, j + v];
                                else dW[o, c, pu, pv] += d * a[c, i + u, j + v];
                                float weight = noRotation ? w[o, c, k - 1 - u, k - 1 - v] : inputSwapChannels ? w[c, o, u, v] : w[o, c, u, v];
                                da[c, i + u, j + v] += d * weight;
                            }
                }
        }
        return (dW, db, da);
    }
}
