using System.Globalization;
using System.Security.Cryptography;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// A write-only stream that stages what it is given as uncommitted blocks of a block blob (4 MiB each) and hashes
/// it. Staged blocks are invisible until <see cref="BlockBlobClient.CommitBlockList(IEnumerable{string}, CommitBlockListOptions, CancellationToken)"/>,
/// which the store calls only after the whole checkpoint was written: a writer that fails midway leaves nothing visible
/// (the service discards uncommitted blocks). See the Put Block / Put Block List REST docs.
/// </summary>
internal sealed class BlockStagingStream(BlockBlobClient blob, IncrementalHash hash) : Stream
{
    private const int BlockSize = 4 << 20;
    private readonly byte[] _buffer = new byte[BlockSize];
    private readonly List<string> _blockIds = [];
    private readonly string _prefix = Guid.NewGuid().ToString("N")[..8];
    private int _filled;
    private long _length;

    public IReadOnlyList<string> BlockIds => _blockIds;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Buffered data is staged by <see cref="Complete"/>, not by Flush, so block sizes stay large.</summary>
    public override void Flush()
    {
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        _length += buffer.Length;
        while (!buffer.IsEmpty)
        {
            int n = Math.Min(buffer.Length, BlockSize - _filled);
            buffer[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == BlockSize)
            {
                StageBuffered();
            }
        }
    }

    /// <summary>Stage what is still buffered; returns the block list to commit.</summary>
    public IReadOnlyList<string> Complete()
    {
        if (_filled > 0 || _blockIds.Count == 0)
        {
            StageBuffered();
        }
        return _blockIds;
    }

    private void StageBuffered()
    {
        // Block ids: base64 of equal-length strings, unique per writer so concurrent writers never mix blocks.
        var id = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(
            _prefix + "-" + _blockIds.Count.ToString("D8", CultureInfo.InvariantCulture)));
        using (var content = new MemoryStream(_buffer, 0, _filled, writable: false))
        {
            blob.StageBlock(id, content, new BlockBlobStageBlockOptions());
        }
        _blockIds.Add(id);
        _filled = 0;
    }
}
