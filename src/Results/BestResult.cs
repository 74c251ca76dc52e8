namespace OrleansHpo.Results;

/// <summary>The best report of an experiment.</summary>
/// <param name="TrialId">Trial that reported it.</param>
/// <param name="Epoch">Resource level it was reported at.</param>
/// <param name="Value">Metric value.</param>
/// <param name="Config">The trial's hyperparameters.</param>
public sealed record BestResult(int TrialId, int Epoch, double Value, IReadOnlyDictionary<string, string> Config);
