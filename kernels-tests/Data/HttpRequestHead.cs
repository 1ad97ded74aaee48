using System.Net.Sockets;
using System.Text;

namespace SetGpu.KernelsTests.Data;

/// <summary>The loopback test servers' reading of a request: its head, up to the blank line (GET requests carry no body).</summary>
internal static class HttpRequestHead
{
    /// <summary>The request's head as text, or what came before the client closed the connection.</summary>
    public static async Task<string> ReadAsync(NetworkStream stream)
    {
        var seen = new List<byte>();
        var buffer = new byte[1024];
        while (seen.Count < 4 || !(seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n'))
        {
            int n = await stream.ReadAsync(buffer);
            if (n == 0) break;
            seen.AddRange(buffer.AsSpan(0, n));
        }
        return Encoding.ASCII.GetString(seen.ToArray());
    }

    /// <summary>The path of a request line such as "GET /name HTTP/1.1", without its leading slash.</summary>
    public static string Path(string head)
    {
        var requestLine = head.Split("\r\n", 2)[0].Split(' ');
        return requestLine.Length >= 2 ? Uri.UnescapeDataString(requestLine[1].TrimStart('/')) : "";
    }
}
