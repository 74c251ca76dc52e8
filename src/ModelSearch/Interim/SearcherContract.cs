// The searcher contract of docs (CONTRACT.md, agreed with the scheduler-core branch) is not in src/Core yet.
// These interim types have exactly its shapes; once Core has OrleansHpo.Core.Search.ISearcher they are deleted and
// the searchers implement the real interface (same members).
namespace OrleansHpo.ModelSearch.Interim;

/// <summary>A suggested config and where it came from ("initial", "random", "model").</summary>
public sealed record Suggestion(IReadOnlyDictionary<string, object> Config, string Source);

/// <summary>The trial paused, was resumed, stopped, completed or failed.</summary>
public enum SearcherTrialStatus { Paused, Resumed, Stopped, Completed, Failed }

/// <summary>Learns from everything the experiment sees, in the order it saw it.</summary>
public interface ISearcher
{
    Suggestion? Suggest(int trialId, IReadOnlyCollection<int> pending);

    void OnTrialStarted(int trialId, IReadOnlyDictionary<string, object> config);

    void OnReport(int trialId, int resource, double metric);

    void OnTrialStatus(int trialId, SearcherTrialStatus status);
}
