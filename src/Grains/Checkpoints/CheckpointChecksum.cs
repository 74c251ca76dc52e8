using System.Security.Cryptography;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>SHA-256 verification of checkpoint bytes read back against the reference in the trial's state.</summary>
internal static class CheckpointChecksum
{
    /// <summary>The stream rewound when its SHA-256 matches <paramref name="reference"/>; otherwise null and why.</summary>
    public static Stream? Verify(MemoryStream memory, CheckpointRef reference, out string? problem) =>
        Verify(memory, Convert.ToHexString(SHA256.HashData(memory.GetBuffer().AsSpan(0, (int)memory.Length))), reference, out problem);

    /// <summary>As <see cref="Verify(MemoryStream, CheckpointRef, out string?)"/> with the bytes' SHA-256 already computed.</summary>
    public static Stream? Verify(MemoryStream memory, string sha, CheckpointRef reference, out string? problem)
    {
        if (!string.Equals(sha, reference.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            memory.Dispose();
            problem = $"checkpoint {reference.Uri} is corrupt (SHA-256 {sha[..12]}…, expected {reference.Sha256[..Math.Min(12, reference.Sha256.Length)]}…)";
            return null;
        }
        memory.Position = 0;
        problem = null;
        return memory;
    }
}
