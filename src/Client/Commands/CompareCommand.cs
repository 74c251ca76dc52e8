using System.CommandLine;
using OrleansHpo.Results;

namespace OrleansHpo.Client.Commands;

/// <summary>
/// <c>hpo compare NAME... --out FILE.png [--aggregate]</c>: best so far of several experiments on one plot, one named
/// line each; with --aggregate, repeats of one spec with different seeds are drawn as median and 25/75 percentile
/// band. NAME may end in * to take every experiment with that prefix.
/// </summary>
public static class CompareCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var names = new Argument<string[]>("names") { Description = "Experiment names (a trailing * matches a prefix, e.g. 'asha-seed*')", Arity = ArgumentArity.OneOrMore };
        var resultsDir = CommandSupport.ResultsDir();
        var outFile = new Option<string>("--out") { Description = "PNG file to write", Required = true };
        var width = new Option<int>("--width") { Description = "Image width in pixels", DefaultValueFactory = _ => 1000 };
        var aggregate = new Option<bool>("--aggregate") { Description = "Draw runs of one spec that differ only in name and searcher seed as one median line with a 25/75 percentile band" };
        var command = new Command("compare", "Plot the best-so-far curves of experiments together (--aggregate: median and 25/75 percentiles over seeds)") { names, resultsDir, outFile, width, aggregate };
        command.SetAction((parse, ct) => CommandSupport.Guard(error, () =>
        {
            var path = CommandSupport.PngPath(parse.GetValue(outFile));
            var root = parse.GetValue(resultsDir)!;
            var experiments = new List<Experiment>();
            foreach (var name in Expand(root, parse.GetValue(names) ?? []))
            {
                experiments.Add(CommandSupport.Load(root, name));
            }
            var empty = experiments.Where(e => e.Rows.Count == 0).Select(e => e.Name).ToList();
            if (empty.Count > 0)
            {
                throw new UserError($"no results yet in: {string.Join(", ", empty)}");
            }
            ExperimentPlots.Compare(experiments, path, parse.GetValue(width), aggregate: parse.GetValue(aggregate));
            output.WriteLine($"wrote {Path.GetFullPath(path)} ({experiments.Count} experiments)");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static IEnumerable<string> Expand(string root, IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (name.EndsWith('*'))
            {
                var prefix = name[..^1];
                var matches = ResultsFolder.Known(root).Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
                if (matches.Count == 0)
                {
                    var known = ResultsFolder.Known(root);
                    throw new UserError($"no experiment matches '{name}' in {Path.GetFullPath(root)}; known: {(known.Count == 0 ? "none" : string.Join(", ", known))}");
                }
                foreach (var m in matches.Where(seen.Add))
                {
                    yield return m;
                }
            }
            else if (seen.Add(name))
            {
                yield return name;
            }
        }
    }
}
