using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SetGpu.KernelsTests.Data;

/// <summary>
/// A loopback HTTP server that misbehaves on purpose, written on a raw socket so that it can do what HttpListener will
/// not: the n-th request (0-based) gets what <c>answer(n)</c> says: the whole body, a wrong body, or the headers and half
/// the body before the connection is closed.
/// </summary>
public sealed class FlakyHttpServer : IDisposable
{
    public enum Answer { Whole, CutHalfway, WrongBytes }

    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly byte[] _body;
    readonly Func<int, Answer> _answer;
    readonly Task _loop;
    int _requests;

    public FlakyHttpServer(byte[] body, Func<int, Answer> answer)
    {
        _body = body;
        _answer = answer;
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }
    public int Requests => Volatile.Read(ref _requests);

    async Task ServeAsync()
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
                    await HttpRequestHead.ReadAsync(stream);
                    var answer = _answer(Interlocked.Increment(ref _requests) - 1);
                    var body = answer == Answer.WrongBytes ? [.. _body.Select(b => (byte)~b)] : _body;
                    var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head);
                    await stream.WriteAsync(body.AsMemory(0, answer == Answer.CutHalfway ? body.Length / 2 : body.Length));
                    await stream.FlushAsync();
                    // Closing here, with half the announced body sent, is the interrupted transfer.
                    client.Client.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (e is IOException or SocketException) { }
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
