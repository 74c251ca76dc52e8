using System.CommandLine;
using OrleansHpo.Results;

namespace OrleansHpo.Client.Commands;

/// <summary><c>hpo plot NAME --out FILE.png</c>: best so far, learning curves, rung occupancy (or one of them).</summary>
public static class PlotCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "Experiment name" };
        var resultsDir = CommandSupport.ResultsDir();
        var outFile = new Option<string>("--out") { Description = "PNG file to write", Required = true };
        var kind = new Option<string>("--kind")
        {
            Description = "overview (the three below, stacked), best (best so far vs wall-clock time), curves (one line per trial), rungs (occupancy and promotions over time)",
            DefaultValueFactory = _ => "overview",
        };
        kind.AcceptOnlyFromAmong("overview", "best", "curves", "rungs");
        var width = new Option<int>("--width") { Description = "Image width in pixels", DefaultValueFactory = _ => 1000 };
        var command = new Command("plot", "Plot an experiment to a PNG file") { name, resultsDir, outFile, kind, width };
        command.SetAction((parse, ct) => CommandSupport.Guard(error, () =>
        {
            var path = CommandSupport.PngPath(parse.GetValue(outFile));
            int w = parse.GetValue(width);
            if (w is < 300 or > 8000)
            {
                throw new UserError($"--width {w}: use 300 to 8000 pixels");
            }
            var experiment = CommandSupport.Load(parse.GetValue(resultsDir)!, parse.GetValue(name)!);
            if (experiment.Rows.Count == 0)
            {
                throw new UserError($"experiment '{experiment.Name}' has no results yet; plot it once trials have reported");
            }
            var k = parse.GetValue(kind) switch
            {
                "best" => PlotKind.BestSoFar,
                "curves" => PlotKind.Curves,
                "rungs" => PlotKind.Rungs,
                _ => PlotKind.Overview,
            };
            experiment.Plot(path, k, w);
            output.WriteLine($"wrote {Path.GetFullPath(path)}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
