using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Training;

/// <summary>
/// Splits a data set (inputs N×…, targets N×…) into mini-batches of a fixed size, in an order that
/// <see cref="Shuffle"/> permutes with a seeded Fisher–Yates shuffle. The last batch holds the remainder when the
/// batch size does not divide N.
/// </summary>
/// <remarks>
/// <see cref="Batch"/> copies the rows of one batch into buffers this object owns and reuses, so a training loop
/// allocates nothing per batch; the returned tensors are overwritten by the next call (<see cref="Tensor.Clone"/> to keep one).
/// The same seed gives the same sequence of orders.
/// </remarks>
public sealed class MiniBatches
{
    private readonly Tensor _inputs;
    private readonly Tensor _targets;
    private readonly int[] _order;
    private readonly Random _random;
    private Tensor? _fullInputs, _fullTargets, _lastInputs, _lastTargets;

    /// <summary>Batches of <paramref name="batchSize"/> rows of <paramref name="inputs"/> and <paramref name="targets"/>, shuffled with a <see cref="Random"/> seeded by <paramref name="seed"/>.</summary>
    public MiniBatches(Tensor inputs, Tensor targets, int batchSize, int seed = 0)
        : this(inputs, targets, batchSize, new Random(seed))
    {
    }

    /// <summary>Batches of <paramref name="batchSize"/> rows of <paramref name="inputs"/> and <paramref name="targets"/>, shuffled with <paramref name="random"/>.</summary>
    public MiniBatches(Tensor inputs, Tensor targets, int batchSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(random);
        if (inputs.Dim(0) != targets.Dim(0))
            throw new ArgumentException(
                $"The inputs hold {inputs.Dim(0)} samples ({TensorShape.Format(inputs.Shape)}) but the targets hold {targets.Dim(0)} ({TensorShape.Format(targets.Shape)}); " +
                "every sample needs exactly one target row.", nameof(targets));
        if (inputs.Dim(0) == 0)
            throw new ArgumentException("The data set is empty (N = 0).", nameof(inputs));
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1 (typical values: 32 to 128).");

        _inputs = inputs;
        _targets = targets;
        _random = random;
        BatchSize = batchSize;
        _order = new int[inputs.Dim(0)];
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
    }

    /// <summary>The number of samples N.</summary>
    public int SampleCount => _order.Length;

    /// <summary>The number of rows in every batch but possibly the last.</summary>
    public int BatchSize { get; }

    /// <summary>The number of batches per epoch, ⌈N / batch size⌉.</summary>
    public int Count => (SampleCount + BatchSize - 1) / BatchSize;

    /// <summary>The current order of the samples: batch b holds samples Order[b·BatchSize …]. The identity until <see cref="Shuffle"/> is called.</summary>
    public IReadOnlyList<int> Order => _order;

    /// <summary>Permutes the order in place with a Fisher–Yates shuffle (every permutation equally likely); call once per epoch.</summary>
    public void Shuffle()
    {
        for (int i = _order.Length - 1; i > 0; i--)
        {
            int j = _random.Next(i + 1); // 0 ≤ j ≤ i
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
    }

    /// <summary>The size of batch <paramref name="index"/> (BatchSize, or the remainder for the last one).</summary>
    public int SizeOf(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"There are {Count} batches, numbered 0 to {Count - 1}.");
        return Math.Min(BatchSize, SampleCount - index * BatchSize);
    }

    /// <summary>
    /// Batch <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>): its input and target rows copied, in the
    /// current order, into reused buffers of shape size×… that the next call overwrites.
    /// </summary>
    public (Tensor Inputs, Tensor Targets) Batch(int index)
    {
        int size = SizeOf(index);
        Tensor inputs, targets;
        if (size == BatchSize)
        {
            inputs = _fullInputs ??= BufferLike(_inputs, size);
            targets = _fullTargets ??= BufferLike(_targets, size);
        }
        else
        {
            inputs = _lastInputs ??= BufferLike(_inputs, size);
            targets = _lastTargets ??= BufferLike(_targets, size);
        }
        CopyRows(_inputs, index * BatchSize, size, inputs);
        CopyRows(_targets, index * BatchSize, size, targets);
        return (inputs, targets);
    }

    /// <summary>A tensor shaped like <paramref name="source"/> but with <paramref name="rows"/> rows.</summary>
    internal static Tensor BufferLike(Tensor source, int rows)
    {
        int[] shape = source.Shape.ToArray();
        shape[0] = rows;
        return new Tensor(shape);
    }

    /// <summary>
    /// Copies the rows Order[first], …, Order[first + count − 1] of <paramref name="source"/> (a row is everything after
    /// the first index) into consecutive rows of <paramref name="destination"/>, on all cores for a large batch.
    /// </summary>
    private void CopyRows(Tensor source, int first, int count, Tensor destination) =>
        RowGather.Copy(source.Data, _order, first, count, source.Length / source.Dim(0), destination.Data);

    /// <summary>
    /// Copies the rows <paramref name="start"/>, <paramref name="start"/> + 1, … of <paramref name="source"/> that fill
    /// <paramref name="destination"/>, and returns whether every value copied is finite.
    /// </summary>
    internal static bool CopyRowRange(Tensor source, int start, Tensor destination)
    {
        int rowLength = source.Length / source.Dim(0);
        return RowGather.CopyRange(source.Data, start, destination.Length / rowLength, rowLength, destination.Data);
    }
}
