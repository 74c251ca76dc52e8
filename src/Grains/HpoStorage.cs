namespace OrleansHpo.Grains;

/// <summary>Name of the grain storage provider every OrleansHpo grain uses; the silo host decides what backs it.</summary>
public static class HpoStorage
{
    public const string Name = "hpo";
}
