using System.Reflection;
using System.Runtime.Loader;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Training;

namespace OrleansHpo.Silo;

/// <summary>
/// Finds trainables: the built-in ones and those in user class libraries (<c>--trainables PATH.dll</c>).
/// Only types implementing <see cref="ITrainableFactory"/> with a public parameterless constructor are taken;
/// a spec then names a trainable by its registered name, never a type.
/// </summary>
public static class TrainablePlugins
{
    public static IEnumerable<ITrainableFactory> BuiltIn()
    {
        yield return new SyntheticTrainableFactory();
    }

    public static IReadOnlyList<ITrainableFactory> Load(IEnumerable<string> assemblyPaths)
    {
        var factories = new List<ITrainableFactory>();
        foreach (var path in assemblyPaths)
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"--trainables: no file at {full}. Build your class library and pass the path of its .dll.", full);
            }
            var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
            var types = Creatable<ITrainableFactory>(assembly);
            if (types.Count == 0 && Creatable<ISearcherProvider>(assembly).Count == 0)
            {
                throw new InvalidOperationException($"--trainables: {full} has no public class implementing ITrainableFactory with a parameterless constructor.");
            }
            foreach (var type in types)
            {
                try
                {
                    factories.Add((ITrainableFactory)Activator.CreateInstance(type)!);
                }
                catch (TargetInvocationException e) when (e.InnerException is { } inner)
                {
                    throw new InvalidOperationException(
                        $"--trainables: {full}: the constructor of the trainable factory {type.FullName} threw {inner.GetType().Name}: {inner.Message}", inner);
                }
            }
        }
        return factories;
    }

    /// <summary>
    /// The shipped model-based searchers ("bayesopt", "kde": docs/model-based-search.md), then the searcher providers in
    /// user class libraries (<c>--trainables PATH.dll</c>): each public ISearcherProvider with a parameterless
    /// constructor. A library's provider of the same type wins (SearcherFactory takes the last).
    /// </summary>
    public static IReadOnlyList<ISearcherProvider> LoadSearcherProviders(IEnumerable<string> assemblyPaths) =>
        [.. OrleansHpo.ModelSearch.Providers.ModelSearchProviders.All(), .. assemblyPaths
            .Select(path => Path.GetFullPath(path))
            .Where(File.Exists)
            .SelectMany(path => Creatable<ISearcherProvider>(AssemblyLoadContext.Default.LoadFromAssemblyPath(path)))
            .Select(t => (ISearcherProvider)Activator.CreateInstance(t)!)];

    private static List<Type> Creatable<T>(Assembly assembly) =>
        [.. assembly.GetExportedTypes()
            .Where(t => typeof(T).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) is not null)];

    /// <summary>Assemblies next to the running program whose name starts with OrleansHpo.Trainables (shipped trainables).</summary>
    public static IEnumerable<string> Shipped() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "OrleansHpo.Trainables*.dll")
            .Where(path => !path.EndsWith(".Tests.dll", StringComparison.OrdinalIgnoreCase)); // test assemblies next to them hold no trainables
}
