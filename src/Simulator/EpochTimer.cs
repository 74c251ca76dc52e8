namespace OrleansHpo.Simulator;

/// <summary>Simulated seconds one epoch of a trial takes.</summary>
public delegate double EpochTimer(int trialId, IReadOnlyDictionary<string, object> config, int epoch);
