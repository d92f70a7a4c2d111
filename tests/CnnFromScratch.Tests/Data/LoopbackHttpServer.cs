using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CnnFromScratch.Tests.Data;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for download tests. Each path is served whole,
/// cut off half-way (the full Content-Length is announced, then the connection drops), or not found.
/// It counts requests per path and stops when disposed.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, (byte[] Body, bool DropHalfway)> _routes = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackHttpServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public void Serve(string path, byte[] body) => _routes[path] = (body, false);

    public void ServeHalfThenDrop(string path, byte[] body) => _routes[path] = (body, true);

    public int RequestsFor(string path) => _requests.GetValueOrDefault(path);

    public int TotalRequests => _requests.Values.Sum();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            string? requestLine = await reader.ReadLineAsync();
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }   // skip the headers
            if (requestLine is null) return;
            string path = requestLine.Split(' ')[1];
            _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (!_routes.TryGetValue(path, out var route))
            {
                await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
                return;
            }
            var header = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {route.Body.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(header);
            int length = route.DropHalfway ? route.Body.Length / 2 : route.Body.Length;
            await stream.WriteAsync(route.Body.AsMemory(0, length));
            await stream.FlushAsync();
            if (route.DropHalfway) client.Client.LingerState = new LingerOption(true, 0);   // reset, like a dropped connection
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
