using OrleansHpo.Grains.Checkpoints;

namespace OrleansHpo.Tests.Checkpoints;

/// <summary>Choosing the checkpoint store from configuration.</summary>
public sealed class CheckpointStoreFactoryTests
{
    [Fact]
    public void Empty_means_each_experiments_results_folder()
    {
        Assert.Null(Assert.IsType<LocalDirectoryCheckpointStore>(CheckpointStoreFactory.Create(null)).BaseDirectory);
        Assert.Null(Assert.IsType<LocalDirectoryCheckpointStore>(CheckpointStoreFactory.Create(" ")).BaseDirectory);
    }

    [Theory]
    [InlineData("/mnt/shared/ckpt", "/mnt/shared/ckpt")]
    [InlineData("file:/mnt/shared/ckpt", "/mnt/shared/ckpt")]
    [InlineData("file:///mnt/shared/ckpt", "/mnt/shared/ckpt")]
    public void A_directory_means_a_local_or_shared_directory(string location, string expected) =>
        Assert.Equal(expected, Assert.IsType<LocalDirectoryCheckpointStore>(CheckpointStoreFactory.Create(location)).BaseDirectory);

    [Theory]
    [InlineData("azure-blob:UseDevelopmentStorage=true", "names no container")]
    [InlineData("azure-blob:Container=ckpt;NotAKey", "connection string is not valid")]
    [InlineData("s3://bucket/ckpt", "neither a directory nor an Azure Blob location")]
    public void Bad_locations_name_the_problem_and_the_fix(string location, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => CheckpointStoreFactory.Create(location));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("azure-blob:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blob_location_with_a_connection_string_builds_the_blob_store()
    {
        var store = CheckpointStoreFactory.Create("azure-blob:Container=ckpt;Prefix=runs;UseDevelopmentStorage=true");
        Assert.Equal("ckpt", Assert.IsType<AzureBlobCheckpointStore>(store).ContainerName);
    }
}
