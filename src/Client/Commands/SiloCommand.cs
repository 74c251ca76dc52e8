using System.CommandLine;
using OrleansHpo.Silo;

namespace OrleansHpo.Client.Commands;

/// <summary><c>hpo silo ...</c>: run a cluster silo in this process (the same host as the OrleansHpo.Silo program).</summary>
public static class SiloCommand
{
    public static Command Create(TextWriter error)
    {
        var command = new Command("silo", "Run a cluster silo (Redis membership, state and reminders) until SIGTERM or its time limit.\n" + ClusterSiloHost.Usage)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        // SIGTERM is handled by the host (drain, then stop), not by System.CommandLine: see HpoCli.
        command.SetAction((parse, _) => ClusterSiloHost.RunAsync([.. parse.UnmatchedTokens], error, CancellationToken.None));
        return command;
    }
}
