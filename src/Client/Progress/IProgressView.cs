using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Client.Progress;

/// <summary>How <c>hpo run</c>/<c>hpo resume</c> show an experiment while they follow it.</summary>
public interface IProgressView : IAsyncDisposable
{
    /// <summary>A one-off message (start, stop requested, ...).</summary>
    void Message(string line);

    /// <summary>The latest status; called about ten times a second, the view decides how often it draws.</summary>
    void Update(ExperimentStatus status);

    /// <summary>The experiment ended: final summary and best line (<paramref name="bestJson"/>: one JSON object or null).</summary>
    Task FinishAsync(ExperimentStatus status, string? bestJson);
}
