namespace OrleansHpo.ModelSearch.History;

/// <summary>One recorded metric value of a trial at a resource level; <see cref="Target"/> is the value to minimize.</summary>
public readonly record struct Observation(int TrialId, int Resource, double Target);
