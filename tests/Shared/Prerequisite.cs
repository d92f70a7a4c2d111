using Xunit;
using Xunit.Sdk;

namespace CnnFromScratch.Testing;

/// <summary>
/// A test that needs something beyond the .NET SDK (a Debian data package, Python's Jupyter client) skips itself
/// when that is missing, saying how to get it. Under CI=true (CI installs everything) a missing prerequisite fails.
/// </summary>
internal static class Prerequisite
{
    public static bool InCI =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <param name="present">Whether the prerequisite is there.</param>
    /// <param name="missing">What is missing, as a sentence ("Debian's dataset-fashion-mnist is not installed").</param>
    /// <param name="howToEnable">The command that installs it.</param>
    public static void Require(bool present, string missing, string howToEnable)
    {
        if (present) return;
        var message = $"{missing}. To run this test: {howToEnable} (.ci/run installs it).";
        if (InCI) throw new XunitException($"CI=true, so a missing prerequisite is a failure: {message}");
        Skip.If(true, message);
    }
}
