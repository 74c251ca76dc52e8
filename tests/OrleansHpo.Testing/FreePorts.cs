using System.Net;
using System.Net.Sockets;

namespace OrleansHpo.Testing;

/// <summary>Loopback ports for servers started by tests and benchmarks (never fixed ports: other clusters run on this machine).</summary>
public static class FreePorts
{
    /// <summary>A port free on 127.0.0.1 now (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Polls until every port accepts, the process exits, or the timeout passes.</summary>
    public static bool WaitAccepting(System.Diagnostics.Process process, TimeSpan timeout, params int[] ports)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (ports.All(Accepts))
            {
                return true;
            }
            process.WaitForExit(50); // polls, returning early if the server exits
        }
        return false;
    }
}
