using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Training;

public sealed class BackwardWithoutInputGradientTests
{
    public static TheoryData<string> Models => new() { "conv", "conv-naive", "mlp-after-flatten", "mlp-naive", "relu-first" };

    private static Sequential Create(string kind, Random random) => kind switch
    {
        "conv" => new Sequential([1, 12, 12], new Conv2d(1, 2, 5, random), new ReLU(), new MaxPool2d(2), new Flatten(), new Dense(32, 10, random)),
        "conv-naive" => new Sequential([1, 12, 12], new Conv2d(1, 2, 5, random, implementation: Implementation.Naive), new ReLU(),
            new MaxPool2d(2, implementation: Implementation.Naive), new Flatten(), new Dense(32, 10, random)),
        "mlp-naive" => new Sequential([1, 6, 6], new Flatten(), new Dense(36, 8, random, implementation: Implementation.Naive), new ReLU(),
            new Dense(8, 3, random, implementation: Implementation.Naive)),
        "mlp-after-flatten" => new Sequential([1, 6, 6], new Flatten(), new Dense(36, 8, random), new ReLU(), new Dense(8, 3, random)),
        _ => new Sequential([5], new ReLU(), new Dense(5, 4, random), new Tanh(), new Dense(4, 2, random)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Gives_the_same_parameter_gradients_as_Backward(string kind)
    {
        Sequential full = Create(kind, new Random(1)), training = Create(kind, new Random(1));
        var random = new Random(2);
        int[] inputShape = [4, .. full.InputShape];
        Tensor x = Tensor.RandomNormal(random, 1f, inputShape);
        Tensor delta = Tensor.RandomNormal(random, 1f, [4, .. full.OutputShape]);

        full.Forward(x);
        full.Backward(delta);
        training.Forward(x);
        Assert.Null(training.Backward(delta, inputGradient: false));
        training.Backward(delta, inputGradient: false); // accumulates, like Backward

        for (int p = 0; p < full.Parameters.Count; p++)
        {
            float[] expected = full.Parameters[p].Gradient.Data, actual = training.Parameters[p].Gradient.Data;
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(2 * expected[i], actual[i], 1e-5f * Math.Max(1f, Math.Abs(2 * expected[i])));
        }
    }
}
