using System.Globalization;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

/// <summary>
/// Runs a student's attempt against reference answers and reports the first mismatch with a hint.
/// A check never throws: an unfinished stub reports "not done yet" so the notebook runs on.
/// </summary>
public sealed class ExerciseCheck
{
    private int _cases;

    private ExerciseCheck() { }

    /// <summary>
    /// Runs <paramref name="cases"/>, which calls the student's code and the assertion methods below,
    /// prints the result line and returns it.
    /// </summary>
    public static ExerciseResult Run(string id, Action<ExerciseCheck> cases)
    {
        var check = new ExerciseCheck();
        ExerciseResult result;
        try
        {
            cases(check);
            result = new ExerciseResult(id, ExerciseStatus.Passed, $"{check._cases} case(s) match the reference.");
        }
        catch (NotImplementedException)
        {
            result = new ExerciseResult(id, ExerciseStatus.NotDone, "replace the `throw new NotImplementedException()` in the cell above and run both cells again.");
        }
        catch (Mismatch m)
        {
            result = new ExerciseResult(id, ExerciseStatus.Failed, m.Message);
        }
        catch (Exception e)
        {
            result = new ExerciseResult(id, ExerciseStatus.Failed, $"your code threw {e.GetType().Name}: {e.Message}");
        }
        Console.WriteLine(result);
        return result;
    }

    /// <summary>Requires equal shapes and every element within <paramref name="tolerance"/>.</summary>
    public void Close(string what, Tensor expected, Tensor? actual, float tolerance = 1e-4f, string hint = "")
    {
        _cases++;
        if (actual is null) Fail($"{what}: your code returned null.", hint);
        if (!expected.SameShape(actual!))
            Fail($"{what}: expected shape {TensorShape.Format(expected.Shape)} but got {TensorShape.Format(actual!.Shape)}.", hint);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected.Data[i], a = actual!.Data[i];
            if (!(MathF.Abs(e - a) <= tolerance * MathF.Max(1f, MathF.Abs(e))))
                Fail(string.Create(CultureInfo.InvariantCulture,
                    $"{what}: at {TensorShape.FormatIndex(expected.Shape, i)} expected {e:0.#####} but got {a:0.#####}."), hint);
        }
    }

    /// <summary>Requires <paramref name="actual"/> within <paramref name="tolerance"/> of <paramref name="expected"/> (relative above 1).</summary>
    public void Close(string what, double expected, double actual, double tolerance = 1e-6, string hint = "")
    {
        _cases++;
        if (!(Math.Abs(expected - actual) <= tolerance * Math.Max(1.0, Math.Abs(expected))))
            Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:0.######} but got {actual:0.######}."), hint);
    }

    /// <summary>Requires exact equality.</summary>
    public void Equal<T>(string what, T expected, T actual, string hint = "")
    {
        _cases++;
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            Fail($"{what}: expected {expected} but got {actual}.", hint);
    }

    /// <summary>Requires <paramref name="condition"/>; <paramref name="what"/> says what should hold.</summary>
    public void True(bool condition, string what, string hint = "")
    {
        _cases++;
        if (!condition) Fail(what, hint);
    }

    /// <summary>True when both have the same shape and agree to 1e-4 of the larger of 1 and |b|'s largest element: for recognising a known wrong answer in a hint.</summary>
    internal static bool Agree(Tensor a, Tensor b) => a.SameShape(b) && a.MaxAbsDifference(b) <= 1e-4f * MathF.Max(1f, b.Data.Max(MathF.Abs));

    private static void Fail(string message, string hint) =>
        throw new Mismatch(string.IsNullOrEmpty(hint) ? message : $"{message} Hint: {hint}");

    private sealed class Mismatch(string message) : Exception(message);
}
