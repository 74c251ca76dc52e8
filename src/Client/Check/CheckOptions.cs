using OrleansHpo.Core.Training;

namespace OrleansHpo.Client.Check;

/// <summary>What <see cref="TrainableChecker"/> runs: how many epochs, where to pause, which silos train.</summary>
public sealed record CheckOptions
{
    /// <summary>Epochs of the uninterrupted run (and of every other run).</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Epoch after which the trial pauses and resumes on another silo.</summary>
    public int PauseAt { get; init; } = 1;

    /// <summary>Metric compared between runs; null = the trainable's first metric.</summary>
    public string? Metric { get; init; }

    /// <summary>Silos in the in-process test cluster (at least 2: the resume must move).</summary>
    public int Silos { get; init; } = 3;

    /// <summary>Seed of the trial's RNGs (the same in every run).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Training device of the silos ("auto", "cpu", ...).</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Intra-op threads per trial; 0 = cores / slots.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Class libraries with trainables (as --trainables).</summary>
    public IReadOnlyList<string> TrainableAssemblies { get; init; } = [];

    /// <summary>Trainable factories registered in code (tests).</summary>
    public IReadOnlyList<ITrainableFactory> AdditionalTrainables { get; init; } = [];

    /// <summary>Longest wait for any one run.</summary>
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
