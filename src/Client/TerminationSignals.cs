using System.Runtime.InteropServices;

namespace OrleansHpo.Client;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM for <c>hpo run</c>/<c>hpo resume</c> (docs/architecture.md, "Signals, ownership and
/// exit codes"): the first one cancels <see cref="Token"/> and the process winds down gracefully; a second one
/// exits at once with 128 + the signal number. Every state file is written atomically, so what is on disk after
/// the second signal is resumable exactly as after <c>kill -9</c>.
/// </summary>
public sealed class TerminationSignals : IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly CancellationTokenSource _first = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TextWriter _error;
    private int _count;
    private int _signal;

    private TerminationSignals(TextWriter error) => _error = error;

    /// <summary>The command that continues the experiment, said when a second signal exits at once.</summary>
    public string ResumeHint { get; set; } = "hpo resume NAME";

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _first.Token;

    /// <summary>The first signal's name ("SIGINT"/"SIGTERM"), null before one came.</summary>
    public string? Name => Volatile.Read(ref _signal) switch { SigInt => "SIGINT", SigTerm => "SIGTERM", _ => null };

    /// <summary>The conventional exit status after a signal: 128 + its number (130 for SIGINT, 143 for SIGTERM).</summary>
    public int ExitCode => 128 + Volatile.Read(ref _signal);

    /// <summary>Takes over SIGINT and SIGTERM for this process until disposed.</summary>
    public static TerminationSignals Listen(TextWriter error)
    {
        var signals = new TerminationSignals(error);
        if (!OperatingSystem.IsWindows())
        {
            // A background job of a non-interactive shell (`hpo run ... &` in a script) starts with SIGINT ignored,
            // and the runtime keeps an ignored signal ignored: restore the default so that `kill -INT` reaches us.
            Unignore(SigInt);
        }
        signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c => signals.On(c, SigInt)));
        signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => signals.On(c, SigTerm)));
        return signals;
    }

    /// <summary>
    /// The process is already winding down on its own (an <c>hpo stop</c> drain, a failed experiment's silo stopping):
    /// from now on the first signal exits at once, as a second one would.
    /// </summary>
    public void WindingDown() => Interlocked.CompareExchange(ref _count, 1, 0);

    private void On(PosixSignalContext context, int signal)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _count) == 1)
        {
            Volatile.Write(ref _signal, signal);
            // Off the signal thread: cancellation callbacks may take a moment.
            _ = Task.Run(_first.Cancel);
            return;
        }
        bool again = Interlocked.CompareExchange(ref _signal, signal, 0) != 0;
        try
        {
            _error.WriteLine($"{(signal == SigInt ? "SIGINT" : "SIGTERM")} {(again ? "again" : "while stopping")}: exiting now; the experiment's state on disk is resumable: `{ResumeHint}`");
            _error.Flush();
            Console.Out.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
        ExitNow(128 + Volatile.Read(ref _signal));
    }

    public void Dispose()
    {
        _registrations.ForEach(r => r.Dispose());
        _first.Dispose();
    }

    private static void Unignore(int signal)
    {
        try
        {
            var previous = Signal(signal, IntPtr.Zero); // SIG_DFL; the runtime installs its own handler on registration
            if (previous != new IntPtr(1)) // it was not SIG_IGN: put back what was there (the runtime's handler)
            {
                Signal(signal, previous);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>Ends the process without running shutdown code that could wait on the grains (like kill -9, but with a status).</summary>
    private static void ExitNow(int code)
    {
        try
        {
            ImmediateExit(code);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Environment.Exit(code);
        }
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr Signal(int signal, IntPtr handler);

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ImmediateExit(int code);
}
