using CnnFromScratch.Tensors;

namespace CnnFromScratch.Training;

/// <summary>Row-wise argmax, shared by prediction and accuracy.</summary>
internal static class Classification
{
    /// <summary>The column of the largest value in row <paramref name="row"/> of an N×K tensor (the first one on ties).</summary>
    public static int ArgMax(Tensor rows, int row)
    {
        int k = rows.Length / rows.Dim(0);
        ReadOnlySpan<float> values = rows.Data.AsSpan(row * k, k);
        int best = 0;
        for (int j = 1; j < values.Length; j++)
            if (values[j] > values[best]) best = j;
        return best;
    }

    /// <summary>How many rows of <paramref name="outputs"/> have their argmax where <paramref name="targets"/> has its argmax.</summary>
    public static int CountCorrect(Tensor outputs, Tensor targets)
    {
        int correct = 0;
        for (int n = 0; n < outputs.Dim(0); n++)
            if (ArgMax(outputs, n) == ArgMax(targets, n)) correct++;
        return correct;
    }
}
