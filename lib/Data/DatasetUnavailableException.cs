namespace CnnFromScratch.Data;

/// <summary>
/// A dataset could not be found locally nor downloaded. The message lists every place tried and how to fix it;
/// the caller decides whether to fall back to the bundled sample (<see cref="MnistSample"/>).
/// </summary>
public sealed class DatasetUnavailableException : IOException
{
    /// <summary>Creates the exception; <paramref name="attempts"/> lists each source tried and what happened.</summary>
    public DatasetUnavailableException(string file, IReadOnlyList<string> attempts, string howToFix)
        : base($"Could not get {file}. Tried:\n  - " + string.Join("\n  - ", attempts) + "\n" + howToFix)
    {
        File = file;
        Attempts = attempts;
    }

    /// <summary>The file that could not be had.</summary>
    public string File { get; }

    /// <summary>Each source tried, with what went wrong, in order.</summary>
    public IReadOnlyList<string> Attempts { get; }
}
