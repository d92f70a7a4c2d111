using System.Text.Json.Nodes;

namespace NotebookRunner.Tests;

/// <summary>The .NET nbformat check accepts what Jupyter's nbformat accepts and rejects what it rejects (each case checked against nbformat 5.5).</summary>
public sealed class NbformatValidatorTests
{
    private const string Valid = """
        {"cells": [
          {"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# Title"]},
          {"cell_type": "code", "id": "b", "metadata": {"tags": ["x"]}, "execution_count": 1, "source": "1 + 1",
           "outputs": [{"output_type": "stream", "name": "stdout", "text": ["2\n"]},
                       {"output_type": "execute_result", "execution_count": 1, "data": {"text/plain": "2", "application/json": {"a": 1}}, "metadata": {}},
                       {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["t"]}]}],
         "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        """;

    [Fact]
    public void Accepts_a_valid_notebook() => Assert.Empty(NbformatValidator.Problems(Valid));

    [Theory]
    [InlineData("cells/1/source", "a code cell without source")]
    [InlineData("cells/1/outputs/0/name", "a stream without a name")]
    [InlineData("cells/1/outputs/2/traceback", "an error without a traceback")]
    [InlineData("cells/0/id", "a 4.5 cell without an id")]
    public void Rejects_a_missing_required_property(string pointer, string what)
    {
        var notebook = JsonNode.Parse(Valid)!;
        var parts = pointer.Split('/');
        JsonNode parent = notebook;
        foreach (var part in parts[..^1]) parent = int.TryParse(part, out var i) ? parent[i]! : parent[part]!;
        parent.AsObject().Remove(parts[^1]);
        Assert.True(NbformatValidator.Problems(notebook.ToJsonString()).Count > 0, $"{what} was accepted");
    }

    [Theory]
    [InlineData("\"output_type\": \"stream\"", "\"output_type\": \"printed\"")]
    [InlineData("\"execution_count\": 1, \"source\"", "\"execution_count\": \"one\", \"source\"")]
    [InlineData("\"text/plain\": \"2\"", "\"text/plain\": 2")]
    [InlineData("\"application/json\": {\"a\": 1}", "\"text/html\": {\"a\": 1}")]
    [InlineData("\"id\": \"b\"", "\"id\": \"a\"")]
    [InlineData("\"metadata\": {}, \"nbformat\"", "\"metadata\": {}, \"extra\": 1, \"nbformat\"")]
    public void Rejects_a_wrong_value(string from, string to)
    {
        Assert.Contains(from, Valid);
        Assert.True(NbformatValidator.Problems(Valid.Replace(from, to)).Count > 0, $"accepted with {to}");
    }
}
