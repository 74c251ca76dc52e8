namespace OrleansHpo.Core.IO;

/// <summary>Append-only text files of one record per line (results.csv, searcher.jsonl).</summary>
public static class LineFile
{
    /// <summary>
    /// Cuts a partial last line, the trace of a crash in the middle of an append, so that the next append starts a
    /// whole line and every line read is a whole record. A file that ends with a newline is left as it is.
    /// </summary>
    public static void CutPartialLastLine(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        long keep = file.Length;
        var one = new byte[1];
        while (keep > 0)
        {
            file.Position = keep - 1;
            file.ReadExactly(one);
            if (one[0] == (byte)'\n')
            {
                break;
            }
            keep--;
        }
        if (keep != file.Length)
        {
            file.SetLength(keep);
        }
    }
}
