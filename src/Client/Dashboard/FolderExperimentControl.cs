using System.Buffers.Binary;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansHpo.Dashboard;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.State;
using OrleansHpo.Grains.Storage;

namespace OrleansHpo.Client.Dashboard;

/// <summary>
/// The dashboard's actions and trial details for experiments run by <c>hpo run</c> on an embedded silo: a stop is a
/// stop-request file (as <c>hpo stop</c>), a trial's runtime state is read from the silo's grain state file
/// (DIR/NAME/state/trial/hpo-trial/NAME_ID.bin, see <see cref="FileGrainStorage"/>), read-only.
/// </summary>
public sealed class FolderExperimentControl : IExperimentControl
{
    private static readonly Lazy<Serializer> StateSerializer = new(() =>
        new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(TrialState).Assembly).AddAssembly(typeof(TrialSnapshot).Assembly))
            .BuildServiceProvider()
            .GetRequiredService<Serializer>());

    public Task StopAsync(string experimentDirectory, string name, string reason, CancellationToken cancellationToken)
    {
        StopRequest.Write(experimentDirectory, reason);
        return Task.CompletedTask;
    }

    public async Task<TrialRuntime?> GetTrialAsync(string experimentDirectory, string name, int trialId, CancellationToken cancellationToken)
    {
        var path = FileGrainStorage.PathFor(Path.Combine(experimentDirectory, "state"), "trial", "hpo-trial", TrialKeys.Of(name, trialId));
        if (!File.Exists(path))
        {
            return null;
        }
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        if (bytes.Length <= 8)
        {
            return null;
        }
        _ = BinaryPrimitives.ReadInt64LittleEndian(bytes); // the version (ETag) precedes the serialized state
        if (StateSerializer.Value.Deserialize<TrialState>(bytes.AsMemory(8)) is not { } s)
        {
            return null;
        }
        return new TrialRuntime(
            s.Status.ToString().ToLowerInvariant(), s.Error, s.StopReason, Silo: "embedded silo (the hpo run process)", s.Activations, s.PausedAt,
            s.RetrainedEpochs, s.RetrainedFromScratch,
            s.Checkpoint is { } c ? new CheckpointInfo(c.Uri, c.Epoch, c.Bytes, c.Sha256) : null,
            "grain state file (embedded silo)");
    }
}
