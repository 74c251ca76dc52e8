using System.Reflection;
using System.Runtime.Loader;
using OrleansHpo.Tests.Cli;
using OrleansHpo.Tests.Cluster;

namespace OrleansHpo.Tests.ResultsViews;

/// <summary>
/// The simulator (what <c>hpo simulate</c> runs) needs no Orleans: its assembly and every OrleansHpo assembly it
/// depends on reference no Orleans assembly, and a simulation run in an isolated load context asks for none.
/// The test process itself has Orleans loaded (it hosts silos), so the run happens in its own
/// <see cref="AssemblyLoadContext"/>: every assembly the simulation needs from this folder is loaded there, and so seen.
/// </summary>
public sealed class SimulatorDependencyTests
{
    private static bool IsOrleans(string? name) =>
        name is "Orleans" || (name is not null && (name.StartsWith("Orleans.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)));

    [Fact]
    public void Simulator_dependency_closure_has_no_Orleans_assembly()
    {
        var context = new RecordingContext(AppContext.BaseDirectory);
        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<AssemblyName>([new AssemblyName("OrleansHpo.Simulator")]);
            while (queue.TryDequeue(out var name))
            {
                if (!seen.Add(name.Name!) || !(name.Name!.StartsWith("OrleansHpo.", StringComparison.Ordinal)))
                {
                    continue; // only our own assemblies are walked; a third-party one is checked by name below
                }
                foreach (var reference in context.LoadFromAssemblyName(name).GetReferencedAssemblies())
                {
                    queue.Enqueue(reference);
                }
            }
            Assert.Contains("OrleansHpo.Core", seen);
            Assert.Contains("OrleansHpo.Results", seen);
            Assert.DoesNotContain(seen, IsOrleans);
            Assert.DoesNotContain("OrleansHpo.Grains", seen);
            Assert.DoesNotContain("OrleansHpo.Grains.Interfaces", seen);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void Simulation_in_an_isolated_load_context_loads_no_Orleans_assembly_and_writes_the_same_results()
    {
        var json = SimulatedExperiments.SpecJson("isolated", Specs.AshaPromotion, workers: 4, trials: 30);
        var root = HpoProcess.TempDir();
        var context = new RecordingContext(AppContext.BaseDirectory);
        try
        {
            var core = context.LoadFromAssemblyName(new AssemblyName("OrleansHpo.Core"));
            var simulator = context.LoadFromAssemblyName(new AssemblyName("OrleansHpo.Simulator"));
            var parsed = core.GetType("OrleansHpo.Core.Spec.SpecParser", throwOnError: true)!
                .GetMethod("Parse")!.Invoke(null, [json, null])!;
            var spec = parsed.GetType().GetProperty("Spec")!.GetValue(parsed)!;
            var factory = Activator.CreateInstance(core.GetType("OrleansHpo.Core.Training.SyntheticTrainableFactory", throwOnError: true)!)!;
            var simulationType = simulator.GetType("OrleansHpo.Simulator.Simulation", throwOnError: true)!;
            var timer = simulationType.GetMethod("DelayMsTimer")!.Invoke(null, [1.0])!;
            var simulation = simulationType.GetConstructors().Single().Invoke([spec, factory, timer, null, null]);
            simulationType.GetMethod("Run")!.Invoke(simulation, [Path.Combine(root, "isolated")]);

            Assert.Contains("OrleansHpo.Simulator", context.Loaded);
            Assert.Contains("OrleansHpo.Results", context.Loaded);
            Assert.DoesNotContain(context.Loaded, IsOrleans);
            Assert.DoesNotContain(context.Assemblies, a => IsOrleans(a.GetName().Name));
        }
        finally
        {
            context.Unload();
        }

        // The isolated run is the simulator's ordinary run: same results.csv, byte for byte.
        var reference = SimulatedExperiments.Write(json);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(reference, "isolated", "results.csv")),
            File.ReadAllBytes(Path.Combine(root, "isolated", "results.csv")));
    }

    /// <summary>Loads every assembly found in <paramref name="directory"/> itself (framework ones come from the default
    /// context) and records the names it was asked for.</summary>
    private sealed class RecordingContext(string directory) : AssemblyLoadContext("simulator-isolation", isCollectible: true)
    {
        public List<string> Loaded { get; } = [];

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(directory, assemblyName.Name + ".dll");
            if (!File.Exists(path))
            {
                return null;
            }
            lock (Loaded)
            {
                Loaded.Add(assemblyName.Name!);
            }
            return LoadFromAssemblyPath(path);
        }
    }
}
