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
/// The loops are in <c>BatchNormNaive</c> (one channel at a time, like the formulas) and <c>Fast/BatchNormFast</c>
/// (vectorised, parallel over the cores); the running statistics for evaluation are in <c>BatchNorm.RunningStatistics.cs</c>,
/// the shapes it accepts (and the messages when they are wrong) in <c>BatchNorm.Shapes.cs</c>. Backward computes x̂ again
/// from the input of the last Forward (as <see cref="Dense"/> reads its input again for ∂J/∂W), so that tensor must not
/// change in between.
/// </remarks>
public sealed partial class BatchNorm : ILayer, ITrainingMode
{
    // Per channel: μ and σ² of the last Forward (batch or running statistics), 1/√(σ² + ε), and Backward's sums and coefficients.
    private readonly double[] _mean, _variance, _invStd, _sumDelta, _sumDeltaXHat, _a, _b, _e;
    private string? _name;
    private Tensor? _input;     // x, kept by Forward: Backward computes x̂ from it again (the same bits) for ∂J/∂γ and ∂J/∂x
    private Tensor? _output;
    private Tensor? _dInput;
    private bool _lastForwardTrained;
    private bool _lastForwardThroughReLU;   // the last Forward wrote a ReLU's output, a = max(0, y), instead of y (BatchNorm.FusedReLU.cs)

    /// <summary>Normalises <paramref name="channels"/> channels (dense features, or the C of N×C×H×W); γ = 1, β = 0 at first.</summary>
    public BatchNorm(int channels, float momentum = 0.1f, float epsilon = 1e-5f, Implementation implementation = Implementation.Fast)
    {
        Implementation = implementation;
        LayerErrors.RequireAtLeast(channels, 1, nameof(channels), "BatchNorm", "the number of channels (or features)");
        if (!(epsilon > 0f) || float.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "BatchNorm: ε must be a small positive number, such as 1e-5.");
        Channels = channels;
        Epsilon = epsilon;
        Gamma = new Parameter("gamma", new Tensor(channels).Fill(1f));
        Beta = new Parameter("beta", new Tensor(channels));
        Parameters = [Gamma, Beta];
        (Momentum, RunningMean, RunningVariance) = RunningStatistics(channels, momentum);
        _mean = new double[channels]; _variance = new double[channels]; _invStd = new double[channels];
        _sumDelta = new double[channels]; _sumDeltaXHat = new double[channels];
        _a = new double[channels]; _b = new double[channels]; _e = new double[channels];
    }

    /// <summary>The number of channels C.</summary>
    public int Channels { get; }

    /// <summary>The naive loops (<c>BatchNormNaive</c>) or the vectorised, parallel ones (<c>BatchNormFast</c>); both compute the same.</summary>
    public Implementation Implementation { get; }

    /// <summary>The ε added to the variance.</summary>
    public float Epsilon { get; }

    /// <summary>γ, the learned scale, one per channel.</summary>
    public Parameter Gamma { get; }

    /// <summary>β, the learned shift, one per channel.</summary>
    public Parameter Beta { get; }

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
    public Tensor Forward(Tensor input) => Forward(input, relu: null);

    // With a relu, the output is that ReLU's: a = max(0, γ x̂ + β), written in the same sweep.
    private Tensor Forward(Tensor input, ReLU? relu)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireChannels(input.Shape, perSample: false);
        int n = input.Dim(0), c = Channels, s = input.Length / Math.Max(1, n * c); // s = H·W, or 1 for dense features
        if (Training) RequireTwoValuesPerChannel(input, n * s);
        Tensor y = relu is null ? Buffers.Result(ref _output, input.Shape) : relu.FusedOutput(input.Shape);
        bool fast = Implementation == Implementation.Fast;
        (_lastForwardTrained, _lastForwardThroughReLU) = (Training, relu is not null);
        if (!Training) CopyRunningStatistics(_mean, _variance);   // evaluation: the running statistics
        for (int from = 0, to; from < c; from = to)   // the naive loops take all channels at once, the fast ones a group at a time
        {
            to = fast ? BatchNormFast.GroupEnd(n, c, s, from) : c;
            if (Training)
            {
                // μ = (1/m) Σ x, σ² = (1/m) Σ (x − μ)² over each channel's m = N·H·W values
                if (fast) BatchNormFast.Statistics(input.Data, n, c, s, from, to, _mean, _variance);
                else BatchNormNaive.Statistics(input.Data, n, c, s, from, to, _mean, _variance);
            }
            for (int ch = from; ch < to; ch++) _invStd[ch] = 1 / Math.Sqrt(_variance[ch] + Epsilon);
            // x̂ = (x − μ)/√(σ² + ε), y = γ x̂ + β (with the ReLU: a = max(0, y))
            if (relu is not null) BatchNormFast.NormalizeReLU(input.Data, y.Data, n, c, s, from, to, _mean, _invStd, Gamma.Value.Data, Beta.Value.Data);
            else if (fast) BatchNormFast.Normalize(input.Data, y.Data, n, c, s, from, to, _mean, _invStd, Gamma.Value.Data, Beta.Value.Data);
            else BatchNormNaive.Normalize(input.Data, y.Data, n, c, s, from, to, _mean, _invStd, Gamma.Value.Data, Beta.Value.Data);
        }
        if (Training) UpdateRunningStatistics(_mean, _variance, n * s);
        _input = input;
        return y;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput) => Backpropagate(dOutput, throughReLU: false);

    // throughReLU: dOutput is ∂J/∂a of the ReLU fused after this layer; ∂J/∂y (where y > 0) goes into dx first, then becomes ∂J/∂x there.
    private Tensor Backpropagate(Tensor dOutput, bool throughReLU)
    {
        if (_input is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _input);   // y (and a) have x's shape
        int n = _input.Dim(0), c = Channels, s = _input.Length / Math.Max(1, n * c), m = n * s;
        Tensor dx = Buffers.Result(ref _dInput, _input.Shape);
        bool fast = Implementation == Implementation.Fast;
        float[] x = _input.Data, delta = throughReLU ? dx.Data : dOutput.Data;   // δ = ∂J/∂y
        for (int from = 0, to; from < c; from = to)   // the channels in the groups of Forward
        {
            to = fast ? BatchNormFast.GroupEnd(n, c, s, from) : c;
            if (throughReLU) BatchNormFast.SumsThroughReLU(dOutput.Data, x, dx.Data, n, c, s, from, to, _mean, _invStd, Gamma.Value.Data, Beta.Value.Data, _sumDelta, _sumDeltaXHat);
            else if (fast) BatchNormFast.Sums(dOutput.Data, x, n, c, s, from, to, _mean, _invStd, _sumDelta, _sumDeltaXHat);
            else BatchNormNaive.Sums(dOutput.Data, x, n, c, s, from, to, _mean, _invStd, _sumDelta, _sumDeltaXHat);
            Coefficients(from, to, m);
            if (fast) BatchNormFast.InputGradient(delta, x, dx.Data, n, c, s, from, to, _mean, _invStd, _a, _b, _e);
            else BatchNormNaive.InputGradient(delta, x, dx.Data, n, c, s, from, to, _mean, _invStd, _a, _b, _e);
        }
        return dx;
    }

    // ∂J/∂γ and ∂J/∂β of channels [from, to) from Backward's sums, and the coefficients of their ∂J/∂x.
    private void Coefficients(int from, int to, int m)
    {
        for (int ch = from; ch < to; ch++)
        {
            Beta.Gradient.Data[ch] += (float)_sumDelta[ch];         // ∂J/∂β = Σ δ
            Gamma.Gradient.Data[ch] += (float)_sumDeltaXHat[ch];    // ∂J/∂γ = Σ δ x̂
            // ∂J/∂x = a δ + b + e x̂. Training: μ and σ² depend on every x of the channel, so
            // ∂J/∂x = γ/(m √(σ² + ε)) · (m δ − Σ δ − x̂ Σ δ x̂). Evaluation: μ_run and σ²_run are constants, so ∂J/∂x = γ δ / √(σ²_run + ε).
            _a[ch] = Gamma.Value.Data[ch] * _invStd[ch];            // γ/√(σ² + ε)
            _b[ch] = _lastForwardTrained ? -_a[ch] * _sumDelta[ch] / m : 0;
            _e[ch] = _lastForwardTrained ? -_a[ch] * _sumDeltaXHat[ch] / m : 0;
        }
    }
}
