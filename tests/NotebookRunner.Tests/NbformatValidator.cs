using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace NotebookRunner.Tests;

/// <summary>
/// Validates notebooks against the JSON schema Jupyter's nbformat publishes for format 4.5 (bundled in
/// <c>nbformat/</c>), plus nbformat's one check beyond the schema: cell ids are unique. No Python needed.
/// </summary>
internal static class NbformatValidator
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var path = Path.Combine(RunnerProcess.RepositoryRoot, "tests", "NotebookRunner.Tests", "nbformat", "nbformat.v4.5.schema.json");
        // JsonSchema.Net 8.0.5 looks up a patternProperties pattern by its JSON-pointer-escaped form, so a pattern
        // holding '/' ("^application/(.*\\+)?json$") throws KeyNotFoundException; \x2F is the same regex without the '/'.
        var text = File.ReadAllText(path).Replace("\"^application/(", "\"^application\\\\x2F(", StringComparison.Ordinal);
        // The schema keeps referring to the document it was built from: the document lives as long as the schema.
        var document = JsonDocument.Parse(text);
        // Declared draft 4, written in keywords that mean the same in draft 7 (see nbformat/README.md): draft 4's
        // meta-schema id is registered as draft 7's keywords.
        var dialects = new DialectRegistry();
        dialects.Register(Dialect.Draft07.With([], new Uri("http://json-schema.org/draft-04/schema#")));
        return JsonSchema.Build(document.RootElement, new BuildOptions { DialectRegistry = dialects },
            new Uri("https://jupyter.org/schema/nbformat.v4.5.schema.json"));
    });

    /// <summary>What is wrong with one notebook, one line per problem; empty when it is valid nbformat 4.5.</summary>
    public static IReadOnlyList<string> Problems(string json)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { return [$"not JSON: {e.Message}"]; }
        if (root?["nbformat"]?.ToJsonString() != "4" || root["nbformat_minor"]?.ToJsonString() != "5")
            return [$"nbformat {root?["nbformat"]?.ToJsonString()}.{root?["nbformat_minor"]?.ToJsonString()}, but the bundled schema is 4.5"];

        using var document = JsonDocument.Parse(json);
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var problems = results.IsValid ? new List<string>() : Errors(results).Distinct().ToList();
        if (!results.IsValid && problems.Count == 0) problems.Add("does not match the nbformat 4.5 schema");

        var ids = (root["cells"] as JsonArray ?? []).Select(c => c?["id"]?.ToString()).OfType<string>();
        problems.AddRange(ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => $"cell id \"{g.Key}\" is used by {g.Count()} cells"));
        return problems;
    }

    /// <summary>The failed keywords of an evaluation, innermost first: where in the notebook, and what the schema wanted.</summary>
    private static IEnumerable<string> Errors(EvaluationResults results)
    {
        foreach (var child in (results.Details ?? []).Where(d => !d.IsValid))
            foreach (var error in Errors(child))
                yield return error;
        foreach (var (keyword, message) in results.Errors ?? new Dictionary<string, string>())
            yield return $"{results.InstanceLocation}: {message} ({keyword} at {results.EvaluationPath})";
    }

    public static void AssertValid(IEnumerable<string> notebooks)
    {
        var paths = notebooks.ToList();
        Assert.NotEmpty(paths);
        var problems = paths.SelectMany(p => Problems(File.ReadAllText(p)).Select(problem => $"{p}: {problem}")).ToList();
        Assert.True(problems.Count == 0, "nbformat 4.5 validation failed:\n" + string.Join("\n", problems));
    }
}
