using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace BookRenderer.Tests.Browser;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol on a loopback websocket: a fresh empty profile, no
/// network services of its own (no sync, no component updates, no QUIC), and one page session per tab.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
    ];

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private Chromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Every event: method, parameters and the session it belongs to.</summary>
    public event Action<string, JsonObject, string?>? Event;

    public static async Task<Chromium> StartAsync(string executable)
    {
        var profile = Path.Combine(Path.GetTempPath(), "book-tests-chromium", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var flag in Flags) start.ArgumentList.Add(flag);
        start.ArgumentList.Add($"--user-data-dir={profile}");
        start.ArgumentList.Add("about:blank");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var browser = new Chromium(process, profile);
        // With port 0, chromium picks a free port and writes it (and the browser's websocket path) to this file.
        var portFile = Path.Combine(profile, "DevToolsActivePort");
        var clock = Stopwatch.StartNew();
        string[] lines = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) throw new InvalidOperationException($"{executable} exited at start with code {process.ExitCode}.");
            if (File.Exists(portFile) && (lines = File.ReadAllLines(portFile)).Length >= 2) break;
            await Task.Delay(100);
        }
        if (lines.Length < 2) throw new TimeoutException($"{executable} wrote no DevToolsActivePort within 60 s.");
        await browser._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"), CancellationToken.None);
        browser._receiving = Task.Run(browser.ReceiveAsync);
        return browser;
    }

    /// <summary>Sends a command and waits for its result; a protocol error becomes an exception naming the command.</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, string? sessionId = null, int timeoutSeconds = 60)
    {
        int id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (sessionId is not null) message["sessionId"] = sessionId;
        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        await _sendGate.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendGate.Release();
        }
        var result = await reply.Task.WaitAsync(TimeSpan.FromSeconds(timeoutSeconds));
        if (result["error"] is JsonObject error) throw new InvalidOperationException($"{method}: {error["message"]}");
        return result["result"] as JsonObject ?? [];
    }

    /// <summary>A new tab and a session attached to it.</summary>
    public async Task<PageSession> NewPageAsync()
    {
        var target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true });
        return new PageSession(this, target["targetId"]!.GetValue<string>(), attached["sessionId"]!.GetValue<string>());
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 20];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;
                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (json["id"] is JsonValue id && _pending.TryRemove(id.GetValue<int>(), out var reply)) reply.TrySetResult(json);
                else if (json["method"] is JsonValue method)
                    Event?.Invoke(method.GetValue<string>(), json["params"] as JsonObject ?? [], json["sessionId"]?.GetValue<string>());
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }
        foreach (var reply in _pending.Values) reply.TrySetException(new InvalidOperationException("chromium closed the DevTools connection."));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync("Browser.close", timeoutSeconds: 10);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or WebSocketException)
        {
        }
        _stop.Cancel();
        if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
        await _receiving.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        _socket.Dispose();
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
