using OrleansHpo.Core.IO;
using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.ResultsViews;

/// <summary>The repair results.csv and searcher.jsonl get when they are opened again after a crash mid-append.</summary>
public sealed class LineFileTests
{
    [Theory]
    [InlineData("a,b\n1,2\n3,", "a,b\n1,2\n")]         // a crash in the middle of a line
    [InlineData("a,b\n1,2\n", "a,b\n1,2\n")]           // whole lines: untouched
    [InlineData("no newline yet", "")]                 // the first line itself was cut
    [InlineData("", "")]
    public void A_partial_last_line_is_cut_and_whole_lines_are_kept(string content, string expected)
    {
        var path = Path.Combine(HpoProcess.TempDir(), "file.csv");
        File.WriteAllText(path, content);
        LineFile.CutPartialLastLine(path);
        Assert.Equal(expected, File.ReadAllText(path));
    }
}
