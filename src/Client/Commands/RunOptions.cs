using System.CommandLine;

namespace OrleansHpo.Client.Commands;

/// <summary>The options <c>hpo run</c> and <c>hpo resume</c> share, and the session they configure.</summary>
internal sealed class RunOptions
{
    public Option<string> ResultsDir { get; } = CommandSupport.ResultsDir();
    public Option<string[]> Trainables { get; } = new("--trainables") { Description = "Class library (.dll) with your own trainables; repeatable" };
    public Option<string?> Device { get; } = new("--device") { Description = "Training device: auto (CUDA when present, else CPU), cpu, cuda, cuda:N" };
    public Option<int?> Threads { get; } = new("--intra-op-threads") { Description = "TorchSharp intra-op threads per trial (default: cores / n_workers)" };
    public Option<bool> Quiet { get; } = new("--quiet") { Description = "Print only the final best line" };
    public Option<bool> Json { get; } = new("--json") { Description = "Progress as JSON, one object per line (for machines)" };
    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Log trial events (on stderr)" };
    public Option<string?> Cluster { get; } = CommandSupport.Cluster("Run on a running cluster (redis://HOST:PORT) instead of an embedded silo; --results-dir must be a path the silos share");
    public Option<bool> StopOnExit { get; } = new("--stop-on-exit") { Description = "With --cluster: Ctrl+C/SIGTERM to this client also stops the experiment (default: it goes on in the cluster)" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { ResultsDir, Trainables, Quiet, Verbose, Device, Threads, Json, Cluster, StopOnExit })
        {
            command.Options.Add(option);
        }
    }

    public ExperimentSession Session(ParseResult parse, TextWriter output, TextWriter error, TerminationSignals signals)
    {
        if (parse.GetValue(StopOnExit) && parse.GetValue(Cluster) is null)
        {
            throw new UserError("--stop-on-exit applies to --cluster runs only (an embedded run always stops with its process)");
        }
        return new(output, error, parse.GetValue(Quiet), parse.GetValue(Verbose),
            ClientSettings.Load().With(parse.GetValue(Trainables) ?? [], parse.GetValue(Device), parse.GetValue(Threads)), parse.GetValue(Json))
        { Cluster = parse.GetValue(Cluster), StopOnExit = parse.GetValue(StopOnExit), Signals = signals };
    }
}
