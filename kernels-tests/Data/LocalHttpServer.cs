using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SetGpu.KernelsTests.Data;

/// <summary>
/// A loopback HTTP server for download tests: answers GET /name with the bytes the handler returns, or 404 for null.
/// A raw socket bound to a port the OS picks (port 0), so that parallel tests never race for a port, and one connection
/// per request ("Connection: close").
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, byte[]?> _handler;
    private readonly Task _loop;
    private int _requests;

    public LocalHttpServer(Func<string, byte[]?> handler)
    {
        _handler = handler;
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }

    public int Requests => Volatile.Read(ref _requests);

    private async Task ServeAsync()
    {
        while (true)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    string path = HttpRequestHead.Path(await HttpRequestHead.ReadAsync(stream));
                    Interlocked.Increment(ref _requests);
                    byte[]? body = _handler(path);
                    string status = body is null ? "404 Not Found" : "200 OK";
                    body ??= [];
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
                    await stream.WriteAsync(body);
                    await stream.FlushAsync();
                    client.Client.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
