using Orleans.Storage;

namespace OrleansHpo.Silo;

/// <summary>
/// The grain storage "hpo" on the Azure backend: each grain state goes to the Azure provider that fits its size and
/// write pattern (docs/cluster.md, "What is stored where"). Grains keep one storage name and never know which.
/// <list type="bullet">
/// <item>"trial" (TrialState): Azure Table. Small and bounded (plan, status, one report per epoch: a few KiB even for
/// hundreds of epochs, far under a Table entity's 1 MiB / the provider's 15 x 64 KiB data properties), and the most
/// often written state (every recorded report, checkpoint and status change): a Table upsert is one small request
/// with an ETag condition.</item>
/// <item>"experiment" (ExperimentState) and "rung" (RungState): Azure Blob. They grow with the number of trials (a rung
/// holds one entry per trial that reached it, the experiment its brackets and running set) and are written less
/// often; a blob has no practical size limit and keeps ETag-conditional writes.</item>
/// </list>
/// </summary>
internal sealed class StateRoutedGrainStorage(IGrainStorage table, IGrainStorage blob) : IGrainStorage
{
    /// <summary>State names (the grains' PersistentState names) that go to Azure Table; every other goes to Blob.</summary>
    public static readonly IReadOnlySet<string> TableStates = new HashSet<string>(StringComparer.Ordinal) { "trial" };

    private IGrainStorage For(string stateName) => TableStates.Contains(stateName) ? table : blob;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        For(stateName).ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        For(stateName).WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        For(stateName).ClearStateAsync(stateName, grainId, grainState);
}
