namespace CnnFromScratch.Data;

/// <summary>
/// A data file is not what it claims to be: a wrong magic number, a header or payload cut short, a corrupt gzip
/// stream, or image and label files that do not belong together. The message names the file and the problem.
/// </summary>
public sealed class IdxFormatException : IOException
{
    /// <summary>Creates the exception for the file <paramref name="source"/>.</summary>
    public IdxFormatException(string source, string problem, Exception? inner = null)
        : base($"{source}: {problem}", inner)
    {
        FilePath = source;
        Problem = problem;
    }

    /// <summary>The file (or files) at fault.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
