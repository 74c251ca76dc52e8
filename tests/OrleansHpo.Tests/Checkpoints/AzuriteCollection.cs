namespace OrleansHpo.Tests.Checkpoints;

/// <summary>Tests sharing one Azurite process.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
