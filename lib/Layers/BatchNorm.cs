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
    private readonly double[] _sumDelta, _sumDeltaXHat;
    private string? _name;
    private Tensor? _xHat;      // x̂, cached by Forward for ∂J/∂γ and ∂J/∂x
    private Tensor? _output;
    private Tensor? _dInput;
    private bool _lastForwardTrained;

    /// <summary>Normalises <paramref name="channels"/> channels (dense features, or the C of N×C×H×W); γ = 1, β = 0 at first.</summary>
    public BatchNorm(int channels, float momentum = 0.1f, float epsilon = 1e-5f)
    {
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
        _sumDelta = new double[channels];
        _sumDeltaXHat = new double[channels];
    }

    /// <summary>The number of channels C.</summary>
    public int Channels { get; }

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
        _lastForwardTrained = Training;
        for (int ch = 0; ch < c; ch++)
        {
            double mean, variance;
            if (Training)
            {
                double sum = 0, squares = 0;
                for (int i = 0; i < n; i++)
                    for (int j = (i * c + ch) * s, end = j + s; j < end; j++) sum += x[j];
                mean = sum / m;                                    // μ = (1/m) Σ x
                for (int i = 0; i < n; i++)
                    for (int j = (i * c + ch) * s, end = j + s; j < end; j++) { double d = x[j] - mean; squares += d * d; }
                variance = squares / m;                            // σ² = (1/m) Σ (x − μ)²
                runMean[ch] = (float)((1 - Momentum) * runMean[ch] + Momentum * mean);
                runVar[ch] = (float)((1 - Momentum) * runVar[ch] + Momentum * variance * m / (m - 1));
            }
            else
            {
                mean = runMean[ch];
                variance = runVar[ch];
            }
            double invStd = 1 / Math.Sqrt(variance + Epsilon);
            _invStd[ch] = invStd;
            for (int i = 0; i < n; i++)
                for (int j = (i * c + ch) * s, end = j + s; j < end; j++)
                {
                    xh[j] = (float)((x[j] - mean) * invStd);       // x̂ = (x − μ)/√(σ² + ε)
                    output[j] = gamma[ch] * xh[j] + beta[ch];      // y = γ x̂ + β
                }
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
        float[] dGamma = Gamma.Gradient.Data, dBeta = Beta.Gradient.Data;
        for (int ch = 0; ch < c; ch++)
        {
            double sumDelta = 0, sumDeltaXHat = 0;
            for (int i = 0; i < n; i++)
                for (int j = (i * c + ch) * s, end = j + s; j < end; j++) { sumDelta += delta[j]; sumDeltaXHat += delta[j] * xh[j]; }
            dBeta[ch] += (float)sumDelta;         // ∂J/∂β = Σ δ
            dGamma[ch] += (float)sumDeltaXHat;    // ∂J/∂γ = Σ δ x̂
            _sumDelta[ch] = sumDelta;
            _sumDeltaXHat[ch] = sumDeltaXHat;
        }
        for (int ch = 0; ch < c; ch++)
        {
            double scale = gamma[ch] * _invStd[ch];
            if (_lastForwardTrained)
            {
                // ∂J/∂x = γ/(m √(σ² + ε)) · (m δ − Σ δ − x̂ Σ δ x̂): μ and σ² depend on every x of the channel
                double k = scale / m, sd = _sumDelta[ch], sdx = _sumDeltaXHat[ch];
                for (int i = 0; i < n; i++)
                    for (int j = (i * c + ch) * s, end = j + s; j < end; j++)
                        dInput[j] = (float)(k * (m * (double)delta[j] - sd - xh[j] * sdx));
            }
            else
            {
                for (int i = 0; i < n; i++)
                    for (int j = (i * c + ch) * s, end = j + s; j < end; j++)
                        dInput[j] = (float)(scale * delta[j]);      // ∂J/∂x = γ δ / √(σ²_run + ε)
            }
        }
        return dx;
    }

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
