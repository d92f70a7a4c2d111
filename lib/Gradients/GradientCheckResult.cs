using System.Globalization;

namespace CnnFromScratch.Gradients;

/// <summary>
/// The comparison of an analytic gradient with a numerical one for one tensor.
/// Relative error = max|a − n| / max(1e-8, max|a| + max|n|), where a is analytic and n numerical.
/// </summary>
public sealed record GradientCheckResult(
    string Target,
    double MaxRelativeError,
    double Threshold,
    string WorstLocation,
    double AnalyticAtWorst,
    double NumericalAtWorst)
{
    /// <summary>True when the relative error is at most the threshold.</summary>
    public bool Passed => MaxRelativeError <= Threshold;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(Passed ? "ok  " : "FAIL")} {Target}: relative error {MaxRelativeError:0.00e+0} (threshold {Threshold:0e+0}); " +
        $"largest difference at {WorstLocation}: analytic {AnalyticAtWorst:0.######}, numerical {NumericalAtWorst:0.######}");
}

/// <summary>All the comparisons made for one layer or model.</summary>
public sealed record GradientCheckReport(IReadOnlyList<GradientCheckResult> Results)
{
    /// <summary>True when every comparison passed.</summary>
    public bool Passed => Results.All(r => r.Passed);

    /// <summary>The worst relative error over all comparisons.</summary>
    public double MaxRelativeError => Results.Count == 0 ? 0 : Results.Max(r => r.MaxRelativeError);

    /// <summary>The result for the named target ("input", "weights", ...).</summary>
    public GradientCheckResult this[string target] =>
        Results.FirstOrDefault(r => r.Target == target)
        ?? throw new KeyNotFoundException($"No gradient was checked for '{target}'. Checked: {string.Join(", ", Results.Select(r => r.Target))}.");

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Results);
}
