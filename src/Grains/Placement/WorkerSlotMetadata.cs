using System.Globalization;

namespace OrleansHpo.Grains.Placement;

/// <summary>The silo metadata keys an OrleansHpo silo publishes (Orleans <c>UseSiloMetadata</c>).</summary>
public static class WorkerSlotMetadata
{
    /// <summary>Trials the silo trains at once: GPUs x trials per GPU, or CPU slots. 0 = the silo never trains.</summary>
    public const string SlotsKey = "hpo.worker-slots";

    /// <summary>The silo's training device setting ("auto", "cpu", "cuda:0").</summary>
    public const string DeviceKey = "hpo.device";

    /// <summary>The metadata for a silo with <paramref name="slots"/> slots training on <paramref name="device"/>.</summary>
    public static Dictionary<string, string> For(int slots, string device) => new(StringComparer.Ordinal)
    {
        [SlotsKey] = Math.Max(0, slots).ToString(CultureInfo.InvariantCulture),
        [DeviceKey] = device,
    };

    /// <summary>Slots a silo advertised, or null when its metadata is not known (yet).</summary>
    public static int? SlotsOf(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(SlotsKey, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var slots)
            ? slots
            : null;
}
