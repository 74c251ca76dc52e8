namespace OrleansHpo.Core.Training;

/// <summary>Trainables by registered name. A spec can only name what was registered; no type is ever loaded from a spec.</summary>
public sealed class TrainableRegistry
{
    private readonly Dictionary<string, ITrainableFactory> _factories = new(StringComparer.Ordinal);

    public TrainableRegistry(IEnumerable<ITrainableFactory> factories)
    {
        foreach (var factory in factories)
        {
            if (!_factories.TryAdd(factory.Name, factory))
            {
                throw new InvalidOperationException(
                    $"Two trainables are registered as '{factory.Name}'; rename one of them.");
            }
        }
    }

    public IReadOnlyCollection<string> Names => _factories.Keys.Order(StringComparer.Ordinal).ToList();

    public bool TryGet(string name, out ITrainableFactory factory) => _factories.TryGetValue(name, out factory!);

    public ITrainableFactory Get(string name) =>
        TryGet(name, out var factory)
            ? factory
            : throw new KeyNotFoundException(
                $"No trainable is registered as '{name}'. Registered: {string.Join(", ", Names)}.");
}
