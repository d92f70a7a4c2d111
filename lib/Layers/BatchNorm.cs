using System.Globalization;
using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Batch normalisation (Ioffe &amp; Szegedy, 2015), per channel: for dense features N×C each feature is a channel,
/// for feature maps N×C×H×W the statistics of channel c are taken over the N·H·W values of that channel.
/// Training, over the m values x of a channel: μ = (1/m) Σ x, σ² = (1/m) Σ (x − μ)², x̂ = (x − μ)/√(σ² + ε), y = γ x̂ + β.
/// Backward: ∂J/∂β = Σ δ, ∂J/∂γ = Σ δ x̂, ∂J/∂x = γ/(m √(σ² + ε)) · (m δ − Σ δ − x̂ Σ δ x̂), with δ = ∂J/∂y.
/// Evaluation: x̂ = (x − μ_run)/√(σ²_run + ε), a fixed affine map, so ∂J/∂x = γ δ / √(σ²_run + ε).
/// </summary>
/// <remarks>
/// The running statistics follow μ_run ← (1 − momentum) μ_run + momentum μ after every training batch, and the same
/// for σ²_run with the unbiased variance σ² m/(m − 1), as PyTorch does. Training needs at least two values per channel.
/// </remarks>
public sealed class BatchNorm : ILayer, ITrainingMode
{
    private readonly double[] _invStd;   // 1/√(σ² + ε) per channel, of the last Forward (batch or running statistics)
    private string? _name;
    private Tensor? _xHat;      // x̂, cached by Forward for ∂J/∂γ and ∂J/∂x
    private Tensor? _output;
    private Tensor? _dInput;
    private bool _lastForwardTrained;

    /// <summary>Normalises <paramref name="channels"/> channels (dense features, or the C of N×C×H×W); γ = 1, β = 0 at first.</summary>
    public BatchNorm(int channels, float momentum = 0.1f, float epsilon = 1e-5f, Implementation implementation = Implementation.Fast)
    {
        Implementation = implementation;
        LayerErrors.RequireAtLeast(channels, 1, nameof(channels), "BatchNorm", "the number of channels (or features)");
        if (!(momentum > 0f && momentum <= 1f))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum,
                "BatchNorm: momentum is the weight of the newest batch in the running statistics and must lie in (0, 1] (typical: 0.1).");
        if (!(epsilon > 0f) || float.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "BatchNorm: ε must be a small positive number, such as 1e-5.");
        Channels = channels;
        Momentum = momentum;
        Epsilon = epsilon;
        Gamma = new Parameter("gamma", new Tensor(channels).Fill(1f));
        Beta = new Parameter("beta", new Tensor(channels));
        RunningMean = new Tensor(channels);
        RunningVariance = new Tensor(channels).Fill(1f);
        Parameters = [Gamma, Beta];
        _invStd = new double[channels];
    }

    /// <summary>The number of channels C.</summary>
    public int Channels { get; }

    /// <summary>The naive loops (<c>BatchNormNaive</c>) or the vectorised ones (<c>BatchNormFast</c>, for feature maps); both compute the same.</summary>
    public Implementation Implementation { get; }

    /// <summary>The weight of the newest batch in the running statistics.</summary>
    public float Momentum { get; }

    /// <summary>The ε added to the variance.</summary>
    public float Epsilon { get; }

    /// <summary>γ, the learned scale, one per channel.</summary>
    public Parameter Gamma { get; }

    /// <summary>β, the learned shift, one per channel.</summary>
    public Parameter Beta { get; }

    /// <summary>μ_run, the running mean per channel, used in evaluation mode.</summary>
    public Tensor RunningMean { get; }

    /// <summary>σ²_run, the running (unbiased) variance per channel, used in evaluation mode.</summary>
    public Tensor RunningVariance { get; }

    /// <inheritdoc />
    public bool Training { get; set; } = true;

    /// <inheritdoc />
    public string Name => _name ??= string.Create(CultureInfo.InvariantCulture, $"BatchNorm({Channels})");

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        RequireChannels(inputShape, perSample: true);
        return inputShape.ToArray();
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireChannels(input.Shape, perSample: false);
        int n = input.Dim(0), c = Channels, s = input.Length / Math.Max(1, n * c); // s = H·W, or 1 for dense features
        int m = n * s;
        if (Training && m < 2)
            throw new ArgumentException(
                $"{Name}: training mode needs at least 2 values per channel to compute a variance, but the batch {TensorShape.Format(input.Shape)} gives {m}. " +
                "Use batches of 2 or more samples, or switch the model to evaluation mode (Training = false) for single samples.", nameof(input));
        Tensor xHat = Buffers.Cache(ref _xHat, input.Shape);
        Tensor y = Buffers.Result(ref _output, input.Shape);
        float[] x = input.Data, xh = xHat.Data, output = y.Data, gamma = Gamma.Value.Data, beta = Beta.Value.Data;
        float[] runMean = RunningMean.Data, runVar = RunningVariance.Data;
        bool fast = UseFast(s);
        _lastForwardTrained = Training;
        for (int ch = 0; ch < c; ch++)
        {
            double mean = runMean[ch], variance = runVar[ch];   // evaluation: the running statistics
            if (Training)
            {
                // μ = (1/m) Σ x, σ² = (1/m) Σ (x − μ)² over the channel's m = N·H·W values
                (mean, variance) = fast ? BatchNormFast.Statistics(x, n, c, s, ch) : BatchNormNaive.Statistics(x, n, c, s, ch);
                runMean[ch] = (float)((1 - Momentum) * runMean[ch] + Momentum * mean);
                runVar[ch] = (float)((1 - Momentum) * runVar[ch] + Momentum * variance * m / (m - 1)); // unbiased, as PyTorch
            }
            _invStd[ch] = 1 / Math.Sqrt(variance + Epsilon);
            // x̂ = (x − μ)/√(σ² + ε), y = γ x̂ + β
            if (fast) BatchNormFast.Normalize(x, xh, output, n, c, s, ch, mean, _invStd[ch], gamma[ch], beta[ch]);
            else BatchNormNaive.Normalize(x, xh, output, n, c, s, ch, mean, _invStd[ch], gamma[ch], beta[ch]);
        }
        return y;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_xHat is null || _output is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        int n = _output.Dim(0), c = Channels, s = _output.Length / Math.Max(1, n * c), m = n * s;
        Tensor dx = Buffers.Result(ref _dInput, _output.Shape);
        float[] delta = dOutput.Data, xh = _xHat.Data, dInput = dx.Data, gamma = Gamma.Value.Data;
        bool fast = UseFast(s);
        for (int ch = 0; ch < c; ch++)
        {
            var (sumDelta, sumDeltaXHat) = fast ? BatchNormFast.Sums(delta, xh, n, c, s, ch) : BatchNormNaive.Sums(delta, xh, n, c, s, ch);
            Beta.Gradient.Data[ch] += (float)sumDelta;         // ∂J/∂β = Σ δ
            Gamma.Gradient.Data[ch] += (float)sumDeltaXHat;    // ∂J/∂γ = Σ δ x̂
            double scale = gamma[ch] * _invStd[ch];            // γ/√(σ² + ε)
            // Training: ∂J/∂x = γ/(m √(σ² + ε)) · (m δ − Σ δ − x̂ Σ δ x̂), since μ and σ² depend on every x of the channel.
            // Evaluation: μ_run and σ²_run are constants, so ∂J/∂x = γ δ / √(σ²_run + ε).
            double b = _lastForwardTrained ? -scale * sumDelta / m : 0, e = _lastForwardTrained ? -scale * sumDeltaXHat / m : 0;
            if (fast) BatchNormFast.InputGradient(delta, xh, dInput, n, c, s, ch, scale, b, e);
            else BatchNormNaive.InputGradient(delta, xh, dInput, n, c, s, ch, scale, b, e);
        }
        return dx;
    }

    // The vectorised kernels work on each contiguous H·W block; dense features (S = 1) have none.
    private bool UseFast(int s) => Implementation == Implementation.Fast && s >= 8;

    private void RequireChannels(IReadOnlyList<int> shape, bool perSample)
    {
        int axis = perSample ? 0 : 1;
        int rank = shape.Count - axis;
        if ((rank == 1 || rank == 3) && shape[axis] == Channels) return; // checked on every batch: no message unless it fails
        string expected = perSample ? $"{Channels} features or {Channels}×H×W" : $"N×{Channels} or N×{Channels}×H×W";
        string cause = rank switch
        {
            1 or 3 => $"The previous layer outputs {shape[axis]} {(rank == 1 ? "features" : "channels")}; build BatchNorm({shape[axis]}) (one γ and β per channel).",
            < 1 => "BatchNorm takes a batch whose first dimension is the sample index. Reshape a single vector to 1×D.",
            _ => "BatchNorm normalises dense features (N×C) or feature maps (N×C×H×W) channel by channel; other ranks have no channel axis it knows.",
        };
        throw new ShapeMismatchException(Name, expected, shape, cause);
    }
}
