using System.Runtime.InteropServices;

namespace OrleansHpo.Tests.Cli;

/// <summary>Sends a POSIX signal to a process (kill(2)), as Ctrl+C or a job scheduler would.</summary>
internal static class PosixSignal
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
