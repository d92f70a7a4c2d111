using CnnFromScratch.Exercises;

namespace CnnFromScratch.Tests.Exercises;

/// <summary>What every checker test says about a plausible wrong answer: the check fails and its message names the mistake.</summary>
internal static class ExerciseAssert
{
    /// <summary>Asserts that <paramref name="result"/> failed and that its message contains each of <paramref name="phrases"/>.</summary>
    public static void Rejects(ExerciseResult result, params string[] phrases)
    {
        Assert.Equal(ExerciseStatus.Failed, result.Status);
        foreach (string phrase in phrases) Assert.Contains(phrase, result.Message);
    }
}
