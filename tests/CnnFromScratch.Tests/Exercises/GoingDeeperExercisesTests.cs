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
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p, lastChannelOnly: true)),
            "the hand example", "only one input channel");
    }

    [Fact]
    public void Forward_rejects_the_bias_added_once_per_input_channel()
    {
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p, biasPerChannel: true)),
            "once per input channel");
    }

    [Fact]
    public void Forward_rejects_a_forgotten_bias()
    {
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p, noBias: true)),
            "forgot the bias");
    }

    [Fact]
    public void Forward_rejects_the_two_channel_indices_of_the_weights_swapped()
    {
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p, swapChannels: true)),
            "the hand example", "swapped W's two channel indices");
    }

    [Fact]
    public void Forward_rejects_flipped_kernels()
    {
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, p, flipKernels: true)),
            "flipped the kernels");
    }

    [Fact]
    public void Forward_rejects_ignoring_the_padding()
    {
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvForward((a, w, b, p) => Forward(a, w, b, 0)),
            "padding 1", "expected shape", "unpadded convolution");
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
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, inputFromLastFilterOnly: true)),
            "∂J/∂a (the hand example", "one filter only");
    }

    [Fact]
    public void Backward_rejects_an_input_gradient_without_the_rotation()
    {
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, noRotation: true)),
            "∂J/∂a", "forgot to rotate");
    }

    [Fact]
    public void Backward_rejects_an_input_gradient_with_the_channel_indices_swapped()
    {
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, inputSwapChannels: true)),
            "∂J/∂a", "swapped W's two channel indices");
    }

    [Fact]
    public void Backward_rejects_a_bias_gradient_summed_over_every_filter()
    {
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, biasSumsAllFilters: true)),
            "∂J/∂b", "sum of all of δ");
    }

    [Fact]
    public void Backward_rejects_a_weight_gradient_with_input_and_delta_swapped()
    {
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, weightRotated: true)),
            "∂J/∂W", "rotated by 180°");
    }

    [Fact]
    public void Backward_rejects_a_weight_gradient_with_the_channel_indices_swapped()
    {
        ExerciseAssert.Rejects(GoingDeeperExercises.CheckConvBackward((a, w, d) => Backward(a, w, d, weightSwapChannels: true)),
            "∂J/∂W", "channel indices swapped");
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
