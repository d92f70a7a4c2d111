using System.Globalization;
using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Inverted dropout. Training: each unit is kept with probability 1 − p and scaled by 1/(1 − p), y = x ⊙ m with
/// m_i = 1[u_i ≥ p] / (1 − p), u_i uniform in [0, 1), so E[y_i] = x_i. Evaluation: y = x (nothing to undo).
/// Backward: ∂J/∂x = ∂J/∂y ⊙ m, the same mask (in evaluation mode, ∂J/∂x = ∂J/∂y).
/// </summary>
/// <remarks>
/// Scaling at training time ("inverted") is what makes evaluation a plain identity; the original paper scaled the
/// weights by 1 − p at test time instead, which gives the same expected output.
/// <para>
/// The u_i of one mask come from one draw k of the caller's <see cref="Random"/>: u_i = the top 24 bits of
/// hash(hash(k + i) xor k), over 2²⁴ (<see cref="Uniform"/>). A seeded Random gives the same masks on every run, and each unit's
/// number can be computed on its own, eight at a time (<c>Fast/DropoutFast</c>): one <see cref="Random.NextSingle"/> per
/// unit cost 7–11 ns, 4–7 µs for the 604 dropout units of a LeNet-5 image, against about 35 µs for its whole training step.
/// </para>
/// </remarks>
public sealed class Dropout : ILayer, ITrainingMode
{
    private readonly Random _random;
    private string? _name;
    private Tensor? _mask;    // m, drawn by Forward in training mode; Backward multiplies by it
    private Tensor? _output;
    private Tensor? _dInput;
    private bool _lastForwardTrained;

    /// <summary>Drops each unit with probability <paramref name="p"/> (0 ≤ p &lt; 1), each mask seeded by one draw from <paramref name="random"/>.</summary>
    public Dropout(float p, Random random, Implementation implementation = Implementation.Fast)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(p >= 0f && p < 1f))
            throw new ArgumentOutOfRangeException(nameof(p), p,
                "Dropout: p is the probability of dropping a unit and must lie in [0, 1) (typical values: 0.1 to 0.5). p = 1 would drop everything.");
        P = p;
        _random = random;
        Implementation = implementation;
    }

    /// <summary>The plain loops below, or the vectorised ones (<c>Fast/DropoutFast</c>); both draw the same mask from the same draw of the Random.</summary>
    public Implementation Implementation { get; }

    /// <summary>The probability p of dropping a unit.</summary>
    public float P { get; }

    /// <inheritdoc />
    public bool Training { get; set; } = true;

    /// <summary>
    /// When true, Forward in training mode reuses the last mask instead of drawing a new one (while the shape stays the same),
    /// so the layer is a fixed function of its input: what a numerical gradient check needs.
    /// </summary>
    public bool FreezeMask { get; set; }

    /// <summary>The mask m of the last training-mode Forward (entries 0 or 1/(1 − p)); the layer's own tensor, redrawn by the next one.</summary>
    public Tensor Mask => _mask ?? throw new InvalidOperationException($"{Name}: no mask yet: run Forward in training mode first.");

    /// <inheritdoc />
    public string Name => _name ??= string.Create(CultureInfo.InvariantCulture, $"Dropout(p={P})");

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape) => Activation.OutputShape(Name, inputShape);

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        Activation.RequireBatch(Name, input);
        Tensor y = Buffers.Result(ref _output, input.Shape);
        _lastForwardTrained = Training;
        if (!Training)
        {
            input.Data.AsSpan().CopyTo(y.Data); // y = x
            return y;
        }
        bool draw = !FreezeMask || _mask is null || !_mask.SameShape(input);
        Tensor m = Buffers.Cache(ref _mask, input.Shape);
        float[] mask = m.Data, x = input.Data, output = y.Data;
        uint k = draw ? (uint)_random.Next() : 0;   // the mask's seed: one draw per mask
        if (Implementation == Implementation.Fast)
        {
            if (draw) DropoutFast.DrawAndApply(k, P, x, mask, output);
            else DropoutFast.Multiply(x, mask, output);
            return y;
        }
        if (draw)
        {
            float keep = 1f / (1f - P);
            for (int i = 0; i < mask.Length; i++) mask[i] = Uniform(k, i) >= P ? keep : 0f; // m_i = 1[u_i ≥ p] / (1 − p)
        }
        for (int i = 0; i < x.Length; i++) output[i] = x[i] * mask[i]; // y = x ⊙ m
        return y;
    }

    /// <summary>u_i in [0, 1) for unit <paramref name="i"/> of the mask seeded by <paramref name="k"/>: 24 bits, exact in a float.</summary>
    internal static float Uniform(uint k, int i) => (Hash(Hash(k + (uint)i) ^ k) >> 8) * (1f / (1 << 24));

    /// <summary>
    /// A 32-bit integer hash whose output bits each flip with probability about ½ when any input bit flips (Chris Wellons'
    /// "lowbias32"): consecutive i give unrelated u_i. Hashing twice, with k in between, makes the masks of two seeds k unrelated too.
    /// </summary>
    internal static uint Hash(uint x)
    {
        x ^= x >> 16;
        x *= 0x7feb352d;
        x ^= x >> 15;
        x *= 0x846ca68b;
        return x ^ (x >> 16);
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_output is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        Tensor dx = Buffers.Result(ref _dInput, _output.Shape);
        if (!_lastForwardTrained)
        {
            dOutput.Data.AsSpan().CopyTo(dx.Data); // ∂J/∂x = ∂J/∂y
            return dx;
        }
        float[] mask = _mask!.Data, dy = dOutput.Data, dInput = dx.Data;
        if (Implementation == Implementation.Fast) DropoutFast.Multiply(dy, mask, dInput);
        else for (int i = 0; i < dy.Length; i++) dInput[i] = dy[i] * mask[i]; // ∂J/∂x = ∂J/∂y ⊙ m
        return dx;
    }
}
