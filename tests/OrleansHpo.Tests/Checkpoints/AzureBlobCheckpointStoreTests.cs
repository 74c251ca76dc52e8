using Azure.Storage.Blobs;
using OrleansHpo.Grains.Checkpoints;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Tests.Checkpoints;

/// <summary>The Azure Blob store against the store contract, on a real Azurite (one fresh container per test).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobCheckpointStoreTests(AzuriteFixture azurite) : CheckpointStoreContract
{
    private readonly BlobContainerClient _container = azurite.NewContainer();
    private AzureBlobCheckpointStore? _store;

    protected override ICheckpointStore Store => _store ??= new AzureBlobCheckpointStore(_container, "ckpt");

    protected override void Corrupt(CheckpointRef reference)
    {
        var name = new BlobUriBuilder(new Uri(reference.Uri)).BlobName;
        var blob = _container.GetBlobClient(name);
        var bytes = blob.DownloadContent().Value.Content.ToArray();
        bytes[bytes.Length / 2] ^= 0x5A;
        blob.Upload(BinaryData.FromBytes(bytes), overwrite: true);
    }

    /// <summary>Readable blobs of the trial other than its fence blob (staged, uncommitted blocks are not readable).</summary>
    protected override int StoredObjectsOf(int trialId) =>
        _container.GetBlobs(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"ckpt/{Scope.Experiment}/trial-{trialId}/" })
            .Count(b => !b.Name.EndsWith("/fence", StringComparison.Ordinal));

    [Fact]
    public void Checkpoint_is_a_blob_in_the_container_with_its_checksum_in_metadata()
    {
        var saved = Store.Save(Scope, 1, 3, 2, s => s.Write(Bytes(500, 1)));

        Assert.StartsWith(_container.Uri.ToString().TrimEnd('/') + $"/ckpt/{Scope.Experiment}/trial-1/epoch-3.fence-2.ckpt", saved.Uri, StringComparison.Ordinal);
        var metadata = _container.GetBlobClient(new BlobUriBuilder(new Uri(saved.Uri)).BlobName).GetProperties().Value.Metadata;
        Assert.Equal(saved.Sha256, metadata["sha256"]);
        Assert.Equal("2", metadata["fence"]);
    }

    [Fact]
    public void Factory_builds_the_blob_store_from_its_configuration_string()
    {
        var store = CheckpointStoreFactory.Create(azurite.StoreLocation(_container.Name));
        var saved = Assert.IsType<AzureBlobCheckpointStore>(store).Save(Scope, 1, 1, 1, s => s.Write(Bytes(64, 2)));

        using var read = Store.TryOpen(saved, out var problem);
        Assert.Null(problem);
        Assert.Equal(Bytes(64, 2), ReadAll(read!));
    }

    [Fact]
    public void Reference_to_another_container_is_reported_not_thrown()
    {
        var other = new AzureBlobCheckpointStore(azurite.NewContainer());
        var saved = other.Save(Scope, 1, 1, 1, s => s.WriteByte(1));

        Assert.Null(Store.TryOpen(saved, out var problem));
        Assert.Contains("not in this silo's checkpoint container", problem, StringComparison.Ordinal);
    }
}
