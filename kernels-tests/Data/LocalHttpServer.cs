using System.Net;
using System.Net.Sockets;

namespace SetGpu.KernelsTests.Data;

/// <summary>
/// A loopback HTTP server for download tests: answers GET /name with the bytes the handler returns, or 404 for null.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string, byte[]?> _handler;
    private readonly Task _loop;
    private int _requests;

    public LocalHttpServer(Func<string, byte[]?> handler)
    {
        _handler = handler;
        // Take a free port from the OS, then listen on it (a tiny race with other processes is acceptable in tests).
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }

    public int Requests => Volatile.Read(ref _requests);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            Interlocked.Increment(ref _requests);
            try
            {
                byte[]? body = _handler(ctx.Request.Url!.AbsolutePath.TrimStart('/'));
                ctx.Response.StatusCode = body is null ? 404 : 200;
                if (body is not null)
                {
                    ctx.Response.ContentLength64 = body.Length;
                    await ctx.Response.OutputStream.WriteAsync(body);
                }
                ctx.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
