using CnnFromScratch.Layers;
using CnnFromScratch.Training;

namespace CnnFromScratch.Bench;

/// <summary>A network both sides build layer for layer alike (pytorch_reference.py has the same two), with its default settings.</summary>
internal sealed record Network(string Key, string Description, int[] DefaultBatchSizes, float DefaultMomentum,
    Func<Random, Implementation, ILayer[]> Layers)
{
    /// <summary>The course's network: Conv 2@5×5 → ReLU → max-pool 2×2 → Flatten → Dense 288→60 → ReLU → Dense 60→10 (logits), plain SGD.</summary>
    public static readonly Network Course = new("course",
        "Conv 2@5×5 → ReLU → MaxPool 2×2 → Flatten → Dense 288→60 → ReLU → Dense 60→10", [32], 0f,
        (random, implementation) =>
        [
            new Conv2d(1, 2, 5, random, implementation: implementation), new ReLU(), new MaxPool2d(2, implementation: implementation),
            new Flatten(), new Dense(288, 60, random), new ReLU(), new Dense(60, 10, random),
        ]);

    /// <summary>LeNet-5 with ReLU and max pooling (the shape of chapter 6), trained with momentum 0.9.</summary>
    public static readonly Network LeNet5 = new("lenet5",
        "LeNet-5: Conv 6@5×5 pad 2 → ReLU → MaxPool 2 → Conv 16@5×5 → ReLU → MaxPool 2 → Flatten → Dense 400→120 → ReLU → Dense 120→84 → ReLU → Dense 84→10",
        [32, 64, 256], 0.9f,
        (random, implementation) =>
        [
            new Conv2d(1, 6, 5, random, padding: 2, implementation: implementation), new ReLU(), new MaxPool2d(2, implementation: implementation),
            new Conv2d(6, 16, 5, random, implementation: implementation), new ReLU(), new MaxPool2d(2, implementation: implementation),
            new Flatten(), new Dense(400, 120, random), new ReLU(), new Dense(120, 84, random), new ReLU(), new Dense(84, 10, random),
        ]);

    /// <summary>LeNet-5 with batch norm after each convolution (feature maps) and after each hidden dense layer (features).</summary>
    public static readonly Network LeNet5BatchNorm = new("lenet5-bn",
        "LeNet-5 with BatchNorm: Conv 6@5×5 pad 2 → BN → ReLU → MaxPool 2 → Conv 16@5×5 → BN → ReLU → MaxPool 2 → Flatten → Dense 400→120 → BN → ReLU → Dense 120→84 → BN → ReLU → Dense 84→10",
        [32, 64, 256], 0.9f,
        (random, implementation) =>
        [
            new Conv2d(1, 6, 5, random, padding: 2, implementation: implementation), new BatchNorm(6, implementation: implementation), new ReLU(), new MaxPool2d(2, implementation: implementation),
            new Conv2d(6, 16, 5, random, implementation: implementation), new BatchNorm(16, implementation: implementation), new ReLU(), new MaxPool2d(2, implementation: implementation),
            new Flatten(), new Dense(400, 120, random), new BatchNorm(120, implementation: implementation), new ReLU(),
            new Dense(120, 84, random), new BatchNorm(84, implementation: implementation), new ReLU(), new Dense(84, 10, random),
        ]);

    /// <summary>LeNet-5 with dropout (p = 0.5) on the flattened features and on each hidden dense layer's output.</summary>
    public static readonly Network LeNet5Dropout = new("lenet5-dropout",
        "LeNet-5 with Dropout: Conv 6@5×5 pad 2 → ReLU → MaxPool 2 → Conv 16@5×5 → ReLU → MaxPool 2 → Flatten → Dropout 0.5 → Dense 400→120 → ReLU → Dropout 0.5 → Dense 120→84 → ReLU → Dropout 0.5 → Dense 84→10",
        [32, 64, 256], 0.9f,
        (random, implementation) =>
        [
            new Conv2d(1, 6, 5, random, padding: 2, implementation: implementation), new ReLU(), new MaxPool2d(2, implementation: implementation),
            new Conv2d(6, 16, 5, random, implementation: implementation), new ReLU(), new MaxPool2d(2, implementation: implementation),
            new Flatten(), new Dropout(0.5f, random), new Dense(400, 120, random), new ReLU(), new Dropout(0.5f, random),
            new Dense(120, 84, random), new ReLU(), new Dropout(0.5f, random), new Dense(84, 10, random),
        ]);

    /// <summary>The network named <paramref name="key"/>.</summary>
    public static Network Parse(string key) =>
        new[] { Course, LeNet5, LeNet5BatchNorm, LeNet5Dropout }.FirstOrDefault(n => n.Key.Equals(key, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown network '{key}': use course, lenet5, lenet5-bn or lenet5-dropout.");

    /// <summary>The model on 1×28×28 images, He-initialised from <paramref name="seed"/>.</summary>
    public Sequential Create(int seed, Implementation implementation = Implementation.Fast) =>
        new([1, 28, 28], Layers(new Random(seed), implementation));
}
