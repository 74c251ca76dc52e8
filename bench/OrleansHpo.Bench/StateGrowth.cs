using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.State;
using OrleansHpo.Silo;

namespace OrleansHpo.Bench;

/// <summary>
/// Bytes written per trial-state write against the trial's epoch, for one long synthetic trial on the embedded silo
/// (FIFO, a checkpoint every epoch, so the trial writes its state once per epoch). Every write is measured where it
/// happens (the file storage's <c>hpo.state.write_bytes</c> histogram). Next to it, the size the same state had when
/// it kept every report (the previous state shape): the final state serialized with epochs 1..n in it.
/// </summary>
internal static class StateGrowth
{
    public static async Task Run(int epochs)
    {
        var dir = Path.Combine(Path.GetTempPath(), "hpo-bench", Guid.NewGuid().ToString("N")[..8]);
        const string name = "state-growth";
        var spec = $$"""
        {
          "name": "{{name}}", "trainable": "synthetic",
          "config_space": { "learning_rate": 0.01, "width": 64, "momentum": 0.9, "epochs": {{epochs}} },
          "metric": "loss", "mode": "min", "max_resource_attr": "epochs",
          "scheduler": { "type": "fifo" },
          "searcher": { "type": "random", "seed": 1 },
          "checkpoints": { "every_epoch": true },
          "n_workers": 1,
          "stop": { "max_trials_started": 1 }
        }
        """;
        var writes = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HpoMetrics.MeterName && instrument.Name == "hpo.state.write_bytes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "state" && (string?)tag.Value == "trial")
                {
                    lock (writes)
                    {
                        writes.Add(value);
                    }
                }
            }
        });
        listener.Start();
        long[] legacy;
        await using (var silo = await EmbeddedSilo.StartAsync(new HpoSiloOptions { StateDirectory = Path.Combine(dir, name, "state"), WorkerSlots = 1 }))
        {
            var experiment = silo.GrainFactory.GetGrain<IExperimentGrain>(name);
            var parsed = OrleansHpo.Core.Spec.SpecParser.Parse(spec);
            await experiment.Start(new StartExperimentRequest(parsed.Spec!.SourceJson, Path.Combine(dir, name)));
            while ((await experiment.GetStatus()).Phase is not (ExperimentPhase.Completed or ExperimentPhase.Failed))
            {
                await Task.Delay(20);
            }
            // The previous shape: the trial's final state as stored, with every report 1..n in it (what each write
            // rewrote before the state was bounded).
            var serializer = silo.Services.GetRequiredService<Serializer>();
            var file = Directory.GetFiles(Path.Combine(dir, name, "state"), "*.bin", SearchOption.AllDirectories).Single(f => f.Contains("hpo-trial", StringComparison.Ordinal));
            var stored = serializer.Deserialize<TrialState>((await File.ReadAllBytesAsync(file)).AsMemory(8))!;
            var last = stored.LastReport!;
            var all = Enumerable.Range(1, epochs).Select(e => last with { Epoch = e }).ToList();
            legacy = [.. Enumerable.Range(0, epochs + 1).Select(n =>
            {
                stored.LastReport = null;
                stored.LastEpoch = n;
                stored.Unconfirmed = all.Take(n).ToList();
                return 8L + serializer.SerializeToArray(stored).Length;
            })];
        }
        Directory.Delete(dir, recursive: true);
        long[] w;
        lock (writes)
        {
            w = [.. writes];
        }
        // Write 0 starts the trial; write k (1..epochs) records epoch k (its checkpoint reference, its report).
        int[] at = [1, 10, 100, 250, 500, 750, 1000];
        var rows = at.Where(e => e < w.Length && e <= epochs).Select(e => new { epoch = e, bytes = w[e], previous_shape_bytes = legacy[e] }).ToList();
        var body = w.Skip(1).ToArray();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            mode = "state-growth",
            epochs,
            trial_state_writes = w.Length,
            bytes_min = body.Length > 0 ? body.Min() : 0,
            bytes_max = body.Length > 0 ? body.Max() : 0,
            bytes_at_epoch = rows,
            previous_shape_bytes_at_last_epoch = legacy[^1],
        }));
    }
}
