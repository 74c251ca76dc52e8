namespace OrleansHpo.Silo;

/// <summary>How an OrleansHpo silo stores state and trains. Bound from the "Hpo" configuration section.</summary>
public sealed class HpoSiloOptions
{
    /// <summary>Folder for durable grain state on local disk (embedded mode). Null when another provider is configured.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Flush grain state to the disk on every write (survives power loss; slower). Off: survives process crashes.</summary>
    public bool FsyncState { get; set; }

    /// <summary>
    /// Checkpoint store: empty (default) each experiment's results folder; a directory path (a shared mount across
    /// machines); or <c>azure-blob:Container=NAME;[Prefix=PATH;]CONNECTION-STRING</c> for Azure Blob Storage.
    /// See docs/checkpoint-stores.md.
    /// </summary>
    public string? CheckpointStore { get; set; }

    /// <summary>Worker slots: trials this silo trains at once.</summary>
    public int WorkerSlots { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Training device: "auto" (CUDA when present), "cpu", "cuda", "cuda:N".</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Intra-op threads per trial; 0 = cores / slots.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Class libraries with extra trainables (each public ITrainableFactory with a parameterless constructor is registered).</summary>
    public List<string> Trainables { get; set; } = [];

    /// <summary>Trainable factories registered in code (tests, hosts that embed OrleansHpo).</summary>
    public List<OrleansHpo.Core.Training.ITrainableFactory> AdditionalTrainables { get; set; } = [];

    /// <summary>Searcher providers registered in code (besides those found in the <see cref="Trainables"/> libraries).</summary>
    public List<OrleansHpo.Core.Search.ISearcherProvider> AdditionalSearcherProviders { get; set; } = [];
}
