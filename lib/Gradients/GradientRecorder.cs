using CnnFromScratch.Layers;
using CnnFromScratch.Training;

namespace CnnFromScratch.Gradients;

/// <summary>
/// Records, during training, the norm ‖∂J/∂θ‖₂ of each trainable layer's gradient and the batch loss, every
/// <see cref="Every"/> steps: the curves that show gradients vanishing, exploding or dying while a network trains.
/// </summary>
/// <remarks>
/// <para>It reads the gradients the backward pass left in each <see cref="Parameter.Gradient"/>, so it needs no hook in
/// the training loop: call <see cref="Record(BatchProgress)"/> from <see cref="TrainingOptions.OnBatch"/>, which runs
/// after the backward pass and the optimiser step (optimisers read the gradients, they do not change them) and before
/// the next batch zeroes them. Training without a recorder is unchanged; a step it skips costs one division and
/// allocates nothing.</para>
/// <para>In a notebook, with <see cref="Plotting.GradientNormCurves"/> drawing it live:</para>
/// <code>
/// var norms = new GradientRecorder(model, every: 5);
/// var view = KernelInvocationContext.Current.Display(GradientNormCurves.Plot(norms));   // display() returns a handle that does not update
/// Trainer.Fit(model, loss, optimizer, x, y, new TrainingOptions
/// {
///     OnBatch = b => { if (norms.Record(b) &amp;&amp; norms.Count % 20 == 0) view.Update(GradientNormCurves.Plot(norms)); },
///     OnEpoch = _ => view.Update(GradientNormCurves.Plot(norms)),
/// });
/// </code>
/// </remarks>
public sealed class GradientRecorder
{
    private readonly Parameter[][] _parameters;   // per trainable layer
    private readonly List<double>[] _norms;       // per trainable layer, one entry per recorded step
    private readonly List<int> _steps = [];
    private readonly List<double> _losses = [];

    /// <summary>A recorder for every layer of <paramref name="model"/> that has parameters.</summary>
    /// <param name="model">The network being trained.</param>
    /// <param name="every">Record one step in <paramref name="every"/> (step 1 always): 1 records every mini-batch.</param>
    public GradientRecorder(Sequential model, int every = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (every < 1)
            throw new ArgumentOutOfRangeException(nameof(every), every, "Record at least one step in 'every' (1 records every mini-batch).");
        var layers = Enumerable.Range(0, model.Layers.Count).Where(k => model.Layers[k].Parameters.Count > 0).ToArray();
        if (layers.Length == 0)
            throw new ArgumentException("The model has no trainable layer, so there is no gradient to record.", nameof(model));
        Every = every;
        LayerIndices = layers;
        LayerNames = layers.Select(k => $"{k}: {model.Layers[k].Name}").ToArray();
        _parameters = layers.Select(k => model.Layers[k].Parameters.ToArray()).ToArray();
        _norms = layers.Select(_ => new List<double>()).ToArray();
    }

    /// <summary>One step in <see cref="Every"/> is recorded.</summary>
    public int Every { get; }

    /// <summary>The index in the model (<see cref="Sequential.Layers"/>) of each recorded layer.</summary>
    public IReadOnlyList<int> LayerIndices { get; }

    /// <summary>Each recorded layer as "index: name", e.g. "0: Conv2d(1→2, 5×5, stride 1, padding 0)".</summary>
    public IReadOnlyList<string> LayerNames { get; }

    /// <summary>The number of steps recorded so far.</summary>
    public int Count => _steps.Count;

    /// <summary>The step (optimizer steps since the start) of each record.</summary>
    public IReadOnlyList<int> Steps => _steps;

    /// <summary>The batch loss of each record.</summary>
    public IReadOnlyList<double> Losses => _losses;

    /// <summary>‖∂J/∂θ‖₂ of recorded layer <paramref name="layer"/> (0 … <see cref="LayerNames"/>.Count − 1, not the model index) at each record.</summary>
    public IReadOnlyList<double> Norms(int layer)
    {
        if ((uint)layer >= (uint)_norms.Length)
            throw new ArgumentOutOfRangeException(nameof(layer), layer,
                $"The recorder follows {_norms.Length} trainable layers (0 … {_norms.Length - 1}): {string.Join(", ", LayerNames)}.");
        return _norms[layer];
    }

    /// <summary>
    /// Records the current gradients if <paramref name="progress"/> is step 1 or a multiple of <see cref="Every"/>;
    /// returns whether it did. Call it from <see cref="TrainingOptions.OnBatch"/>.
    /// </summary>
    public bool Record(BatchProgress progress)
    {
        if (progress.Step != 1 && progress.Step % Every != 0) return false;
        Record(progress.Step, progress.Loss);
        return true;
    }

    /// <summary>Records the norm of every layer's current gradient, at <paramref name="step"/> with loss <paramref name="loss"/>.</summary>
    public void Record(int step, double loss)
    {
        _steps.Add(step);
        _losses.Add(loss);
        for (int l = 0; l < _parameters.Length; l++) _norms[l].Add(Norm(_parameters[l]));
    }

    /// <summary>‖g‖₂ = √(Σ g²) over the gradients of all of <paramref name="parameters"/> together (weights and bias).</summary>
    public static double Norm(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // A plain loop, accumulated in double: the notebooks load only this assembly, not System.Numerics.Tensors.
        double sumOfSquares = 0;
        for (int p = 0; p < parameters.Count; p++)
            foreach (float g in parameters[p].Gradient.AsSpan()) sumOfSquares += (double)g * g;
        return Math.Sqrt(sumOfSquares);
    }
}
