namespace CnnFromScratch.Data;

/// <summary>
/// A seeded, stratified split of sample indices into a training and a validation part: every class gives the same
/// fraction of its samples to validation, so a small validation set still has every class in proportion.
/// </summary>
public static class TrainValidationSplit
{
    /// <summary>
    /// Indices (into <paramref name="labels"/>) of the training and the validation part, each in increasing order.
    /// Each class c with n_c samples gives round(n_c × <paramref name="validationFraction"/>) of them, chosen by a
    /// shuffle seeded with <paramref name="seed"/>; the same seed always gives the same split.
    /// </summary>
    public static (int[] Train, int[] Validation) Stratified(IReadOnlyList<int> labels, double validationFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction,
                "The validation fraction must lie strictly between 0 and 1, e.g. 0.1 for 10%.");
        var random = new Random(seed);
        var train = new List<int>();
        var validation = new List<int>();
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            int[] members = group.ToArray();
            random.Shuffle(members);
            int take = (int)Math.Round(members.Length * validationFraction, MidpointRounding.AwayFromZero);
            validation.AddRange(members.AsSpan(0, take).ToArray());
            train.AddRange(members.AsSpan(take).ToArray());
        }
        train.Sort();
        validation.Sort();
        return (train.ToArray(), validation.ToArray());
    }
}
