using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

/// <summary>The ownership rule of lib/README.md: what a layer or a loss returns is the caller's, except inside a training step.</summary>
public sealed class OwnershipTests
{
    public static TheoryData<string> Layers => new()
    {
        "conv", "conv-naive", "dense", "dense-naive", "relu", "leaky-relu", "sigmoid", "tanh", "softmax",
        "max-pool", "max-pool-naive", "avg-pool", "avg-pool-naive", "batch-norm", "dropout",
    };

    private static (ILayer Layer, int[] InputShape) Create(string kind)
    {
        var random = new Random(3);
        return kind switch
        {
            "conv" => (new Conv2d(1, 2, 3, random), [2, 1, 6, 6]),
            "conv-naive" => (new Conv2d(1, 2, 3, random, implementation: Implementation.Naive), [2, 1, 6, 6]),
            "dense" => (new Dense(5, 3, random), [2, 5]),
            "dense-naive" => (new Dense(5, 3, random, implementation: Implementation.Naive), [2, 5]),
            "relu" => (new ReLU(), [2, 7]),
            "leaky-relu" => (new LeakyReLU(0.1f), [2, 7]),
            "sigmoid" => (new Sigmoid(), [2, 7]),
            "tanh" => (new Tanh(), [2, 7]),
            "softmax" => (new Softmax(), [2, 7]),
            "max-pool" => (new MaxPool2d(2), [2, 2, 6, 6]),
            "max-pool-naive" => (new MaxPool2d(2, implementation: Implementation.Naive), [2, 2, 6, 6]),
            "avg-pool" => (new AvgPool2d(2), [2, 2, 6, 6]),
            "batch-norm" => (new BatchNorm(2), [3, 2, 4, 4]),
            "dropout" => (new Dropout(0.5f, random), [2, 7]),
            _ => (new AvgPool2d(2, implementation: Implementation.Naive), [2, 2, 6, 6]),
        };
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_result_the_caller_holds_is_never_overwritten_by_a_later_call(string kind)
    {
        var (layer, shape) = Create(kind);
        var random = new Random(4);
        Tensor z1 = layer.Forward(Tensor.RandomNormal(random, 1f, shape));
        Tensor dx1 = layer.Backward(Tensor.RandomNormal(random, 1f, z1.Shape.ToArray()));
        (Tensor zSaved, Tensor dxSaved) = (z1.Clone(), dx1.Clone());

        Tensor z2 = layer.Forward(Tensor.RandomNormal(random, 1f, shape));
        Tensor dx2 = layer.Backward(Tensor.RandomNormal(random, 1f, z2.Shape.ToArray()));
        using (Buffers.Reusing()) // training the same layer afterwards does not touch them either
        {
            layer.Forward(Tensor.RandomNormal(random, 1f, shape));
            layer.Backward(Tensor.RandomNormal(random, 1f, z2.Shape.ToArray()));
        }

        Assert.Equal(zSaved.Data, z1.Data);
        Assert.Equal(dxSaved.Data, dx1.Data);
        Assert.NotEqual(zSaved.Data, z2.Data);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Inside_a_training_step_a_layer_reuses_its_buffers_for_the_same_batch_size(string kind)
    {
        var (layer, shape) = Create(kind);
        var random = new Random(5);
        using var reuse = Buffers.Reusing();
        Tensor z = layer.Forward(Tensor.RandomNormal(random, 1f, shape));
        Tensor dx = layer.Backward(new Tensor(z.Shape.ToArray()));
        Assert.Same(z, layer.Forward(Tensor.RandomNormal(random, 1f, shape)));
        Assert.Same(dx, layer.Backward(new Tensor(z.Shape.ToArray())));
        shape[0]++;
        Assert.NotSame(z, layer.Forward(Tensor.RandomNormal(random, 1f, shape)));
    }

    [Fact]
    public void A_loss_gradient_the_caller_holds_is_never_overwritten()
    {
        foreach (ILoss loss in new ILoss[] { new SoftmaxCrossEntropy(), new MeanSquaredError() })
        {
            Tensor y = Tensor.From(new float[,] { { 1, 0, 0 }, { 0, 0, 1 } });
            loss.Forward(Tensor.From(new float[,] { { 1, 2, 3 }, { 0, 0, 0 } }), y);
            Tensor first = loss.Backward(), saved = first.Clone();
            loss.Forward(Tensor.From(new float[,] { { -4, 2, 1 }, { 5, 0, 1 } }), y);
            Tensor second = loss.Backward();
            Assert.Equal(saved.Data, first.Data);
            Assert.NotEqual(saved.Data, second.Data);
            using var reuse = Buffers.Reusing();
            loss.Forward(Tensor.From(new float[,] { { 1, 2, 3 }, { 0, 0, 0 } }), y);
            Tensor inside = loss.Backward();
            Assert.Same(inside, loss.Backward());
        }
    }
}
