using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace BookRenderer.Tests.Browser;

/// <summary>One tab: what it requested, what it reported as an error, and commands sent to it.</summary>
internal sealed class PageSession
{
    private readonly Chromium _browser;
    private readonly string _sessionId;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _awaited = new();

    public PageSession(Chromium browser, string targetId, string sessionId)
    {
        _browser = browser;
        TargetId = targetId;
        _sessionId = sessionId;
        browser.Event += OnEvent;
    }

    public string TargetId { get; }

    /// <summary>Every URL the page asked for, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>console.error and console.assert calls, uncaught exceptions, and the browser's own error log entries (a failed load, a blocked script).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, int timeoutSeconds = 60) =>
        _browser.SendAsync(method, parameters, _sessionId, timeoutSeconds);

    /// <summary>Starts listening for an event before the command that causes it is sent.</summary>
    public Task<JsonObject> NextEvent(string method) =>
        _awaited.GetOrAdd(method, _ => new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Opens <paramref name="url"/> and waits for its load event.</summary>
    public async Task NavigateAsync(string url)
    {
        var loaded = NextEvent("Page.loadEventFired");
        var navigation = await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        if (navigation["errorText"] is JsonValue error) throw new InvalidOperationException($"{url} did not load: {error}");
        await loaded.WaitAsync(TimeSpan.FromSeconds(120));
        _awaited.TryRemove("Page.loadEventFired", out _);
    }

    /// <summary>The value of a JavaScript expression (a JSON-able value), evaluated in the page.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is JsonObject details)
            throw new InvalidOperationException($"The page could not evaluate the check: {details["exception"]?["description"] ?? details["text"]}");
        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>A PNG of the page's top <paramref name="maxHeight"/> pixels, at half size.</summary>
    public async Task<byte[]> ScreenshotAsync(int width, int maxHeight)
    {
        var metrics = await SendAsync("Page.getLayoutMetrics");
        double height = Math.Min(maxHeight, metrics["cssContentSize"]?["height"]?.GetValue<double>() ?? maxHeight);
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject
        {
            ["format"] = "png", ["captureBeyondViewport"] = true,
            ["clip"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = width, ["height"] = height, ["scale"] = 0.5 },
        }, timeoutSeconds: 120);
        return Convert.FromBase64String(shot["data"]!.GetValue<string>());
    }

    public Task CloseAsync()
    {
        _browser.Event -= OnEvent;
        return _browser.SendAsync("Target.closeTarget", new JsonObject { ["targetId"] = TargetId });
    }

    private void OnEvent(string method, JsonObject parameters, string? sessionId)
    {
        if (sessionId != _sessionId) return;
        string? Text(JsonNode? node) => node?.ToString();
        if (method == "Network.requestWillBeSent")
            Requests.Enqueue(Text(parameters["request"]?["url"]) ?? "?");
        else if (method == "Runtime.consoleAPICalled" && Text(parameters["type"]) is "error" or "assert")
        {
            var args = (parameters["args"] as JsonArray ?? []).Select(a => Text(a?["value"]) ?? Text(a?["description"]));
            Errors.Enqueue($"console.{Text(parameters["type"])}: {string.Join(" ", args)}");
        }
        else if (method == "Runtime.exceptionThrown")
        {
            var details = parameters["exceptionDetails"];
            Errors.Enqueue($"uncaught: {Text(details?["exception"]?["description"]) ?? Text(details?["text"])}");
        }
        else if (method == "Log.entryAdded" && Text(parameters["entry"]?["level"]) == "error")
        {
            var entry = parameters["entry"];
            Errors.Enqueue($"log: {Text(entry?["text"])} {Text(entry?["url"])}");
        }
        if (_awaited.TryGetValue(method, out var waiting)) waiting.TrySetResult(parameters);
    }
}
