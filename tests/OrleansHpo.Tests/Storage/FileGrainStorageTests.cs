using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansHpo.Grains.State;
using OrleansHpo.Grains.Storage;
using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.Storage;

/// <summary>
/// The embedded silo's grain storage: each write publishes a whole state atomically and version-checked, and after
/// its first writes a grain reuses its two files (the state and the spare it is exchanged with) instead of creating a
/// file per write.
/// </summary>
public sealed class FileGrainStorageTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
    private static readonly GrainId Grain = GrainId.Create("hpo-rung", "exp/0/1");

    private static (FileGrainStorage Storage, string Path) NewStorage()
    {
        var root = HpoProcess.TempDir();
        return (new FileGrainStorage(root, Serializer, flushToDisk: false), FileGrainStorage.PathFor(root, "rung", "hpo-rung", "exp/0/1"));
    }

    private static GrainState<RungState> StateWith(int entries) => new(new RungState
    {
        Entries = [.. Enumerable.Range(0, entries).Select(i => new RungEntryState(i, i / 10.0, false, i))],
    });

    [Fact]
    public async Task Every_write_reads_back_whole_and_after_the_second_no_write_creates_a_file()
    {
        var (storage, path) = NewStorage();
        var state = StateWith(0);
        var inodes = new HashSet<ulong>();
        for (int i = 1; i <= 6; i++)
        {
            state.State!.Entries = StateWith(i).State!.Entries;
            await storage.WriteStateAsync("rung", Grain, state);
            var read = new GrainState<RungState>();
            await storage.ReadStateAsync("rung", Grain, read);
            Assert.Equal(i, read.State!.Entries.Count);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), read.ETag);
            inodes.Add(Inode(path));
        }
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(2, inodes.Count); // the state file and its spare, exchanged on every write
        }
    }

    [Fact]
    public async Task A_stale_writer_is_refused_and_a_spare_left_by_a_crash_is_never_read()
    {
        var (storage, path) = NewStorage();
        var current = StateWith(1);
        await storage.WriteStateAsync("rung", Grain, current);
        var stale = new GrainState<RungState>();
        await storage.ReadStateAsync("rung", Grain, stale);
        await storage.WriteStateAsync("rung", Grain, StateWithETag(current, 2));
        await storage.WriteStateAsync("rung", Grain, current);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("rung", Grain, stale));

        File.WriteAllText(path + ".tmp", "half a write: the crash came before the exchange");
        var read = new GrainState<RungState>();
        await storage.ReadStateAsync("rung", Grain, read);
        Assert.Equal(2, read.State!.Entries.Count);
        await storage.WriteStateAsync("rung", Grain, read); // the spare is overwritten, not trusted
        await storage.ClearStateAsync("rung", Grain, read);
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    private static GrainState<RungState> StateWithETag(GrainState<RungState> state, int entries)
    {
        state.State!.Entries = StateWith(entries).State!.Entries;
        return state;
    }

    private static ulong Inode(string path)
    {
        var output = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var text = output.StandardOutput.ReadToEnd();
        output.WaitForExit();
        return ulong.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
