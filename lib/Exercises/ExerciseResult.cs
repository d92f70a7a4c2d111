namespace CnnFromScratch.Exercises;

/// <summary>How an exercise attempt fared.</summary>
public enum ExerciseStatus
{
    /// <summary>Every case matched the reference.</summary>
    Passed,

    /// <summary>The stub still throws <see cref="NotImplementedException"/>.</summary>
    NotDone,

    /// <summary>A case did not match, or the attempt threw.</summary>
    Failed,
}

/// <summary>The outcome of one exercise check, printed as one line with a marker the runner's tests look for.</summary>
public sealed record ExerciseResult(string Id, ExerciseStatus Status, string Message)
{
    /// <summary>"✅ id: passed", "⏳ id: not done yet" or "❌ id: what went wrong".</summary>
    public override string ToString() => Status switch
    {
        ExerciseStatus.Passed => $"✅ {Id}: passed — {Message}",
        ExerciseStatus.NotDone => $"⏳ {Id}: not done yet — {Message}",
        _ => $"❌ {Id}: {Message}",
    };
}
