using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Gradients;

/// <summary>
/// Checks a backward pass against central differences:
/// ∂J/∂x ≈ (J(x + ε) − J(x − ε)) / 2ε, with J accumulated in float64.
/// </summary>
public static partial class GradientChecker
{
    /// <summary>The step ε used unless another is given. Large enough that float32 rounding stays small beside it.</summary>
    public const double DefaultEpsilon = 1e-3;

    /// <summary>The relative error accepted unless another is given: float32 layers checked with ε = 1e-3 land near 1e-5…1e-4.</summary>
    public const double DefaultThreshold = 1e-3;

    /// <summary>
    /// The numerical gradient of <paramref name="loss"/> with respect to every element of <paramref name="variable"/>,
    /// nudging each element by ±ε in place and restoring it.
    /// </summary>
    public static double[] NumericalGradient(Func<double> loss, Tensor variable, double epsilon = DefaultEpsilon)
    {
        var gradient = new double[variable.Length];
        float[] x = variable.Data;
        for (int i = 0; i < x.Length; i++)
        {
            float original = x[i];
            x[i] = (float)(original + epsilon);
            double plus = loss();
            x[i] = (float)(original - epsilon);
            double minus = loss();
            x[i] = original;
            // Divide by the step actually taken in float32, not the ε asked for.
            double step = (double)(float)(original + epsilon) - (float)(original - epsilon);
            gradient[i] = (plus - minus) / step;
        }
        return gradient;
    }

    /// <summary>Compares <paramref name="analytic"/> with the numerical gradient of <paramref name="loss"/> with respect to <paramref name="variable"/>.</summary>
    public static GradientCheckResult Compare(
        string target, Func<double> loss, Tensor variable, Tensor analytic,
        double epsilon = DefaultEpsilon, double threshold = DefaultThreshold)
    {
        if (!analytic.SameShape(variable))
            throw new ArgumentException(
                $"The gradient of '{target}' has shape {TensorShape.Format(analytic.Shape)} but the variable has shape {TensorShape.Format(variable.Shape)}; they must match.");
        double[] numerical = NumericalGradient(loss, variable, epsilon);
        return Compare(target, analytic.Data.Select(v => (double)v).ToArray(), numerical, variable.Shape, threshold);
    }

    /// <summary>Compares two gradients element by element with the relative error used throughout the course.</summary>
    public static GradientCheckResult Compare(
        string target, IReadOnlyList<double> analytic, IReadOnlyList<double> numerical, IReadOnlyList<int> shape, double threshold = DefaultThreshold)
    {
        double maxDiff = 0, maxA = 0, maxN = 0;
        int worst = 0;
        for (int i = 0; i < analytic.Count; i++)
        {
            double diff = Math.Abs(analytic[i] - numerical[i]);
            if (diff > maxDiff) { maxDiff = diff; worst = i; }
            maxA = Math.Max(maxA, Math.Abs(analytic[i]));
            maxN = Math.Max(maxN, Math.Abs(numerical[i]));
        }
        double relative = maxDiff / Math.Max(1e-8, maxA + maxN);
        return new GradientCheckResult(target, relative, threshold, target + TensorShape.FormatIndex(shape, worst),
            analytic.Count == 0 ? 0 : analytic[worst], numerical.Count == 0 ? 0 : numerical[worst]);
    }

    /// <summary>
    /// Checks a layer's ∂J/∂input and every parameter gradient, with J = Σ R ⊙ output for a fixed random R,
    /// so that every output element takes part.
    /// </summary>
    public static GradientCheckReport CheckLayer(
        ILayer layer, Tensor input, int seed = 0, double epsilon = DefaultEpsilon, double threshold = DefaultThreshold)
    {
        var random = new Random(seed);
        Tensor probe = layer.Forward(input);
        Tensor weights = Tensor.RandomNormal(random, 1f, probe.Shape.ToArray());

        double Loss()
        {
            Tensor output = layer.Forward(input);
            double j = 0;
            for (int i = 0; i < output.Length; i++) j += (double)weights.Data[i] * output.Data[i];
            return j;
        }

        foreach (Parameter p in layer.Parameters) p.ZeroGradient();
        layer.Forward(input);
        Tensor dInput = layer.Backward(weights);
        var analyticParameters = layer.Parameters.Select(p => p.Gradient).ToList(); // Loss() runs Forward only: they stay

        var results = new List<GradientCheckResult> { Compare("input", Loss, input, dInput, epsilon, threshold) };
        for (int k = 0; k < layer.Parameters.Count; k++)
        {
            Parameter p = layer.Parameters[k];
            results.Add(Compare(p.Name, Loss, p.Value, analyticParameters[k], epsilon, threshold));
        }
        return new GradientCheckReport(results);
    }
}
