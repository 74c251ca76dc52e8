using System.Buffers.Binary;
using System.Text;

namespace OrleansHpo.Trainables.Torch;

/// <summary>
/// Makes TorchSharp's native bridge loadable on hosts whose libstdc++ predates GCC 13 (Debian 12 ships GCC 12's).
/// <para>TorchSharp 0.107's <c>libLibTorchSharp.so</c> declares a need for symbol version <c>GLIBCXX_3.4.32</c> only
/// because GCC 13's <c>&lt;iostream&gt;</c> emits a bare <c>.globl std::ios_base_library_init</c> reference: the symbol
/// is never called and has no relocation, but the dynamic loader refuses the library when the version is absent.
/// When the process's libstdc++ lacks that version, this marks the requirement weak (ELF <c>VER_FLG_WEAK</c>) in the
/// copy next to the application, which the loader then accepts. Nothing is changed where libstdc++ is new enough.</para>
/// Call <see cref="EnsureNativeLoadable"/> before the first use of TorchSharp (the trainables do so in Setup).
/// </summary>
public static class TorchRuntime
{
    private const string Library = "libLibTorchSharp.so";
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    private static readonly Lazy<string> Outcome = new(Prepare, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Idempotent, thread-safe; returns what was done (for logs).</summary>
    public static string EnsureNativeLoadable() => Outcome.Value;

    private static string Prepare()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux: nothing to do";
        }
        if (LibStdCxxDefines(MissingVersion))
        {
            return $"libstdc++ defines {MissingVersion}: nothing to do";
        }
        var patched = new List<string>();
        foreach (var candidate in Candidates())
        {
            try
            {
                if (File.Exists(candidate) && MarkWeak(candidate, MissingVersion))
                {
                    patched.Add(candidate);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                // Leave it: TorchSharp's own load error then says what is missing.
            }
        }
        return patched.Count == 0 ? "no copy needed a change" : $"marked {MissingVersion} weak in {string.Join(", ", patched)}";
    }

    private static IEnumerable<string> Candidates()
    {
        var directories = new HashSet<string>(StringComparer.Ordinal) { AppContext.BaseDirectory };
        var torchDirectory = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchDirectory))
        {
            directories.Add(torchDirectory);
        }
        foreach (var directory in directories)
        {
            yield return Path.Combine(directory, "runtimes", "linux-x64", "native", Library);
            yield return Path.Combine(directory, Library);
            yield return Path.Combine(directory, "cpu", Library);
        }
    }

    private static bool LibStdCxxDefines(string version)
    {
        var paths = new List<string>();
        try
        {
            paths.AddRange(File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/') is var slash and >= 0 ? line[slash..] : "")
                .Where(path => Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal));
        }
        catch (IOException)
        {
        }
        if (paths.Count == 0)
        {
            paths.AddRange(new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
                .Where(File.Exists));
        }
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        return paths.Count == 0 || paths.Any(path => File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0);
    }

    /// <summary>Sets VER_FLG_WEAK on the verneed entry for <paramref name="version"/>; true when the file changed.</summary>
    private static bool MarkWeak(string path, string version)
    {
        var bytes = File.ReadAllBytes(path);
        var elf = bytes.AsSpan();
        // 64-bit little-endian ELF only (linux-x64).
        if (elf.Length < 64 || !elf[..4].SequenceEqual("\u007fELF"u8) || elf[4] != 2 || elf[5] != 1)
        {
            return false;
        }
        long sectionTable = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf[0x28..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3A..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3C..]);
        for (int i = 0; i < sectionCount; i++)
        {
            var section = elf[checked((int)(sectionTable + (long)i * entrySize))..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(section[4..]) != ShtGnuVerneed)
            {
                continue;
            }
            int offset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(section[0x18..]));
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(section[0x28..]);
            int needCount = (int)BinaryPrimitives.ReadUInt32LittleEndian(section[0x2C..]);
            var strings = elf[checked((int)(sectionTable + (long)link * entrySize))..];
            int stringTable = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(strings[0x18..]));

            int need = offset;
            for (int n = 0; n < needCount; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[(need + 2)..]);
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(need + 8)..]);
                for (int a = 0; a < auxCount; a++)
                {
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(elf[(aux + 4)..]);
                    int name = stringTable + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(aux + 8)..]);
                    int end = elf[name..].IndexOf((byte)0);
                    if (end >= 0 && Encoding.ASCII.GetString(elf.Slice(name, end)) == version)
                    {
                        if ((flags & VerFlagWeak) != 0)
                        {
                            return false;
                        }
                        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(aux + 4), (ushort)(flags | VerFlagWeak));
                        // Write a sibling and rename over, so a process loading the old file never sees half a write.
                        var temporary = path + ".weak-" + Environment.ProcessId;
                        File.WriteAllBytes(temporary, bytes);
                        File.Move(temporary, path, overwrite: true);
                        return true;
                    }
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(aux + 12)..]);
                }
                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(need + 12)..]);
            }
        }
        return false;
    }
}
