using CnnFromScratch.Layers;
using CnnFromScratch.Training;

namespace CnnFromScratch.Bench;

/// <summary>The course's network, layer for layer the one in pytorch_reference.py.</summary>
internal static class CourseNetwork
{
    /// <summary>Conv 2@5×5 → ReLU → max-pool 2×2 → Flatten → Dense 288→60 → ReLU → Dense 60→10 (logits), He-initialised from <paramref name="seed"/>.</summary>
    public static Sequential Create(int seed, Implementation implementation = Implementation.Fast)
    {
        var random = new Random(seed);
        return new Sequential([1, 28, 28],
            new Conv2d(1, 2, 5, random, implementation: implementation),
            new ReLU(),
            new MaxPool2d(2, implementation: implementation),
            new Flatten(),
            new Dense(288, 60, random),
            new ReLU(),
            new Dense(60, 10, random));
    }

    /// <summary>The shape of the network in one line, for the report.</summary>
    public const string Description = "Conv 2@5×5 → ReLU → MaxPool 2×2 → Flatten → Dense 288→60 → ReLU → Dense 60→10";
}
