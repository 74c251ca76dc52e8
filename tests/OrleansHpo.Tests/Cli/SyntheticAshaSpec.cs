using OrleansHpo.Testing;

namespace OrleansHpo.Tests.Cli;

/// <summary>
/// The spec file the process-level tests run (<see cref="SyntheticSpec"/>: the synthetic trainable, 9 epochs, promotion
/// ASHA, 4 workers), stopped after <c>trials</c> started. Callers vary the epoch delay, the searcher seed and extra
/// top-level properties, each ending in a comma (e.g. <c>"checkpoints": { "every_epoch": true },</c>).
/// </summary>
internal static class SyntheticAshaSpec
{
    public static string Write(string dir, string name, int trials, int delayMs, int seed, string extra = "") =>
        new SyntheticSpec(name) { DelayMs = delayMs, Seed = seed, Extra = extra, Stop = $"\"max_trials_started\": {trials}" }.Write(dir);
}
