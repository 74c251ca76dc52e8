using ScottPlot;
using SkiaSharp;

namespace OrleansHpo.Results;

/// <summary>
/// PNG figures of experiments (ScottPlot 5): best-so-far against wall-clock time, learning curves (one line per
/// trial), rung occupancy and promotions over time, and comparisons of experiments, where repeated runs of one spec
/// with different seeds are drawn as the median with a 25-75 percentile band (as in the ASHA paper's figures).
/// </summary>
public static class ExperimentPlots
{
    private const int PanelHeight = 500;
    private const float FontScale = 1.0f;

    /// <summary>Writes one figure of one experiment to <paramref name="pngPath"/>; height 0 picks one for the kind.</summary>
    public static void Save(Experiment experiment, PlotKind kind, string pngPath, int width = 1000, int height = 0)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        Prepare(pngPath);
        if (kind == PlotKind.Overview)
        {
            var panels = new[] { BestSoFar([experiment]), Curves(experiment), Rungs(experiment) };
            panels[0].Title($"{experiment.Name}: {experiment.SchedulerName}, {experiment.NWorkers} workers, {experiment.Trials().Count} trials");
            SaveStacked(panels, pngPath, width, height > 0 ? height : PanelHeight * panels.Length);
            return;
        }
        var plot = kind switch
        {
            PlotKind.BestSoFar => BestSoFar([experiment]),
            PlotKind.Curves => Curves(experiment),
            _ => Rungs(experiment),
        };
        plot.SavePng(pngPath, width, height > 0 ? height : 600);
    }

    /// <summary>
    /// Overlays the best-so-far curves of several experiments, one line each, named. With
    /// <paramref name="aggregate"/>, experiments whose specs differ only in name and searcher seed form a group drawn
    /// as the median with a 25/75 percentile band (as in the ASHA paper's figures).
    /// </summary>
    public static void Compare(IReadOnlyList<Experiment> experiments, string pngPath, int width = 1000, int height = 650, bool aggregate = false)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        if (experiments.Count == 0)
        {
            throw new ArgumentException("nothing to compare", nameof(experiments));
        }
        Prepare(pngPath);
        var plot = NewPlot();
        var first = experiments[0];
        var groups = aggregate
            ? experiments.GroupBy(SpecKey).Select(g => g.ToList()).ToList()
            : experiments.Select(e => new List<Experiment> { e }).ToList();
        int color = 0;
        double maxTime = 0;
        bool bandLabelled = false;
        bool bySchedulers = groups.Select(g => g[0].SchedulerName).Distinct().Count() == groups.Count;
        var shown = new List<double>();
        foreach (var group in groups)
        {
            var c = plot.Add.Palette.GetColor(color++);
            if (group.Count == 1)
            {
                var e = group[0];
                var (xs, ys) = Steps(e.BestSoFar(), e.ElapsedSeconds);
                if (xs.Length == 0)
                {
                    continue;
                }
                var line = plot.Add.ScatterLine(xs, ys, c);
                line.LineWidth = 2.5f;
                line.LegendText = $"{e.Name} ({e.SchedulerName}{(e.IsSimulated ? ", simulated" : "")})";
                maxTime = Math.Max(maxTime, xs[^1]);
                shown.AddRange(Settled(ys));
                continue;
            }
            var (grid, median, q25, q75) = Bands(group);
            if (grid.Length == 0)
            {
                continue;
            }
            var band = plot.Add.FillY(grid, q25, q75);
            band.FillColor = c.WithAlpha(0.22);
            band.LineColor = Colors.Transparent;
            if (!bandLabelled)
            {
                band.LegendText = "shaded: 25-75 percentiles over seeds";
                bandLabelled = true;
            }
            var med = plot.Add.ScatterLine(grid, median, c);
            med.LineWidth = 2.5f;
            med.LegendText = $"{(bySchedulers ? SchedulerLabel(group[0]) : GroupLabel(group))}: median of {group.Count} seeds";
            maxTime = Math.Max(maxTime, grid[^1]);
            shown.AddRange(Settled(q75));
            shown.AddRange(Settled(q25));
        }
        if (shown.Count > 0)
        {
            // Zoom on where the curves settle: the first few percent of the run (the steep start) may leave the top.
            double lo = shown.Min(), hi = shown.Max(), pad = Math.Max(1e-9, (hi - lo) * 0.08);
            plot.Axes.SetLimitsY(lo - pad, hi + pad);
        }
        bool repeats = groups.Any(g => g.Count > 1);
        plot.Title(repeats ? $"best {first.Metric} so far (median over seeds)" : $"best {first.Metric} so far");
        plot.XLabel(TimeLabel(experiments));
        plot.YLabel(MetricLabel(first));
        plot.ShowLegend(first.Mode == "max" ? Alignment.LowerRight : Alignment.UpperRight);
        plot.SavePng(pngPath, width, height);
    }

    /// <summary>Best metric so far against wall-clock time (a step line per experiment).</summary>
    public static Plot BestSoFar(IReadOnlyList<Experiment> experiments)
    {
        var plot = NewPlot();
        int color = 0;
        foreach (var e in experiments)
        {
            var (xs, ys) = Steps(e.BestSoFar(), e.ElapsedSeconds);
            if (xs.Length == 0)
            {
                continue;
            }
            var line = plot.Add.ScatterLine(xs, ys, plot.Add.Palette.GetColor(color++));
            line.LineWidth = 2.5f;
            line.LegendText = experiments.Count == 1 ? $"best {e.Metric} so far" : e.Name;
        }
        var first = experiments[0];
        plot.Title($"best {first.Metric} so far");
        plot.XLabel(TimeLabel(experiments));
        plot.YLabel(MetricLabel(first));
        plot.ShowLegend(first.Mode == "max" ? Alignment.LowerRight : Alignment.UpperRight);
        return plot;
    }

    /// <summary>Learning curves: the metric against the resource, one thin line per trial; the best trial in black.</summary>
    public static Plot Curves(Experiment experiment)
    {
        var plot = NewPlot();
        var byTrial = experiment.Rows.Where(r => r.Metrics.ContainsKey(experiment.Metric))
            .GroupBy(r => r.TrialId).OrderBy(g => g.Key).ToList();
        var best = experiment.Best;
        int color = 0;
        bool legendDone = false;
        foreach (var trial in byTrial)
        {
            var rows = trial.OrderBy(r => r.Epoch).ToList();
            var xs = rows.Select(r => (double)r.Epoch).ToArray();
            var ys = rows.Select(r => r.Metrics[experiment.Metric]).ToArray();
            var line = rows.Count == 1
                ? plot.Add.Scatter(xs, ys, plot.Add.Palette.GetColor(color++ % 10).WithAlpha(0.55))
                : plot.Add.ScatterLine(xs, ys, plot.Add.Palette.GetColor(color++ % 10).WithAlpha(0.55));
            line.LineWidth = 1.2f;
            line.MarkerSize = rows.Count == 1 ? 4 : 0;
            if (!legendDone)
            {
                line.LegendText = $"one line per trial ({byTrial.Count} trials)";
                legendDone = true;
            }
        }
        if (best is not null && byTrial.FirstOrDefault(g => g.Key == best.TrialId) is { } bestTrial)
        {
            var rows = bestTrial.OrderBy(r => r.Epoch).ToList();
            var line = plot.Add.ScatterLine(rows.Select(r => (double)r.Epoch).ToArray(), rows.Select(r => r.Metrics[experiment.Metric]).ToArray(), Colors.Black);
            line.LineWidth = 3f;
            line.MarkerSize = 0;
            line.LegendText = $"best trial {best.TrialId} ({experiment.Metric} {Experiment.Format(best.Value)})";
        }
        // Epochs are whole: no tick at 1.5.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title($"learning curves ({experiment.Metric} per {experiment.ResourceAttr})");
        plot.XLabel($"{experiment.ResourceAttr} (resource used by the trial)");
        plot.YLabel(MetricLabel(experiment));
        plot.ShowLegend(experiment.Mode == "max" ? Alignment.LowerRight : Alignment.UpperRight);
        return plot;
    }

    /// <summary>
    /// Rung occupancy and promotions over time: per rung level, the trials recorded there that have not gone on
    /// (solid: paused or stopped there, or waiting for a promotion) and the cumulative number that went on past it,
    /// by promotion or by continuing (dashed). At max_t the solid line counts completed trials.
    /// </summary>
    public static Plot Rungs(Experiment experiment)
    {
        var plot = NewPlot();
        var levels = experiment.RungLevels().Append(experiment.MaxT).Distinct().Order().ToList();
        var byTrial = experiment.Rows.GroupBy(r => r.TrialId).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Epoch).ToList());
        double end = Math.Max(experiment.ElapsedSeconds, experiment.Rows.Count > 0 ? experiment.Rows.Max(r => r.TunerTime) : 0);
        int color = 0;
        foreach (var level in levels)
        {
            var c = plot.Add.Palette.GetColor(color++);
            var changes = new List<(double Time, int Delta)>();
            var promoted = new List<double>();
            foreach (var rows in byTrial.Values)
            {
                int i = rows.FindIndex(r => r.Epoch == level);
                if (i < 0)
                {
                    continue;
                }
                changes.Add((rows[i].TunerTime, +1));
                if (i + 1 < rows.Count)
                {
                    // It went on: its next report marks when it left the rung (promotion, or continuing past it).
                    changes.Add((rows[i + 1].TunerTime, -1));
                    promoted.Add(rows[i + 1].TunerTime);
                }
            }
            var (ox, oy) = Occupancy(changes, end);
            var o = plot.Add.ScatterLine(ox, oy, c);
            o.LineWidth = 2.2f;
            o.ConnectStyle = ConnectStyle.StepHorizontal;
            o.LegendText = level == experiment.MaxT ? $"{experiment.ResourceAttr} {level} (max_t): completed" : $"at rung {level}";
            if (level < experiment.MaxT && promoted.Count > 0)
            {
                var (px, py) = Cumulative(promoted, end);
                var p = plot.Add.ScatterLine(px, py, c);
                p.LineWidth = 1.8f;
                p.LinePattern = LinePattern.Dashed;
                p.ConnectStyle = ConnectStyle.StepHorizontal;
                p.LegendText = experiment.SchedulerName.EndsWith("stopping", StringComparison.Ordinal)
                    ? $"continued past rung {level} (cumulative)"
                    : $"promoted from rung {level} (cumulative)";
            }
        }
        // Time starts when the experiment does (autoscale padding would put the axis at about -5 s).
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(0, Math.Max(1, end) * 1.02);
        plot.Title("rung occupancy and promotions");
        plot.XLabel(TimeLabel([experiment]));
        plot.YLabel("trials");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Axes.Title.Label.FontSize = 20 * FontScale;
        plot.Axes.Bottom.Label.FontSize = 17 * FontScale;
        plot.Axes.Left.Label.FontSize = 17 * FontScale;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14 * FontScale;
        plot.Axes.Left.TickLabelStyle.FontSize = 14 * FontScale;
        plot.Legend.FontSize = 14 * FontScale;
        return plot;
    }

    private static void SaveStacked(IReadOnlyList<Plot> panels, string pngPath, int width, int height)
    {
        var info = new SKImageInfo(width, height);
        using var surface = SKSurface.Create(info);
        surface.Canvas.Clear(SKColors.White);
        int panelHeight = height / panels.Count;
        for (int i = 0; i < panels.Count; i++)
        {
            // Each panel on its own surface (Render paints the whole canvas it is given), then copied into place.
            using var panel = SKSurface.Create(new SKImageInfo(width, panelHeight));
            panels[i].Render(panel.Canvas, width, panelHeight);
            using var snapshot = panel.Snapshot();
            surface.Canvas.DrawImage(snapshot, 0, panelHeight * i);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(pngPath);
        data.SaveTo(file);
    }

    private static void Prepare(string pngPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(pngPath));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
    }

    /// <summary>The values after the first 3% of a curve's points (its steep start is left out of the y range).</summary>
    private static IEnumerable<double> Settled(double[] ys) => ys.Skip(Math.Max(1, ys.Length * 3 / 100));

    /// <summary>Best-so-far points as a step line, extended flat to <paramref name="end"/>.</summary>
    private static (double[] X, double[] Y) Steps(IReadOnlyList<(double Time, double Value)> points, double end)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < points.Count; i++)
        {
            if (i > 0)
            {
                xs.Add(points[i].Time);
                ys.Add(points[i - 1].Value);
            }
            xs.Add(points[i].Time);
            ys.Add(points[i].Value);
        }
        if (points.Count > 0 && end > points[^1].Time)
        {
            xs.Add(end);
            ys.Add(points[^1].Value);
        }
        return ([.. xs], [.. ys]);
    }

    private static (double[] X, double[] Y) Occupancy(List<(double Time, int Delta)> changes, double end)
    {
        changes.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : b.Delta.CompareTo(a.Delta));
        var xs = new List<double> { 0 };
        var ys = new List<double> { 0 };
        int n = 0;
        foreach (var (time, delta) in changes)
        {
            n += delta;
            xs.Add(time);
            ys.Add(n);
        }
        xs.Add(Math.Max(end, changes.Count > 0 ? changes[^1].Time : 0));
        ys.Add(n);
        return ([.. xs], [.. ys]);
    }

    private static (double[] X, double[] Y) Cumulative(List<double> times, double end)
    {
        times.Sort();
        var xs = new List<double> { 0 };
        var ys = new List<double> { 0 };
        for (int i = 0; i < times.Count; i++)
        {
            xs.Add(times[i]);
            ys.Add(i + 1);
        }
        xs.Add(Math.Max(end, times.Count > 0 ? times[^1] : 0));
        ys.Add(times.Count);
        return ([.. xs], [.. ys]);
    }

    /// <summary>Median and 25/75 percentiles of the best-so-far value over a group, on a common time grid.</summary>
    private static (double[] Grid, double[] Median, double[] Q25, double[] Q75) Bands(IReadOnlyList<Experiment> group)
    {
        var curves = group.Select(e => e.BestSoFar()).Where(c => c.Count > 0).ToList();
        if (curves.Count == 0)
        {
            return ([], [], [], []);
        }
        double end = group.Max(e => e.ElapsedSeconds);
        double start = curves.Min(c => c[0].Time);
        const int steps = 300;
        var grid = new List<double>();
        var median = new List<double>();
        var q25 = new List<double>();
        var q75 = new List<double>();
        var values = new List<double>(curves.Count);
        for (int s = 0; s <= steps; s++)
        {
            double t = start + (end - start) * s / steps;
            values.Clear();
            foreach (var c in curves)
            {
                int i = LastAtOrBefore(c, t);
                if (i >= 0)
                {
                    values.Add(c[i].Value);
                }
            }
            if (values.Count * 2 < curves.Count)
            {
                continue; // fewer than half the runs have a result yet
            }
            values.Sort();
            grid.Add(t);
            median.Add(Percentile(values, 0.5));
            q25.Add(Percentile(values, 0.25));
            q75.Add(Percentile(values, 0.75));
        }
        return ([.. grid], [.. median], [.. q25], [.. q75]);
    }

    private static int LastAtOrBefore(IReadOnlyList<(double Time, double Value)> curve, double t)
    {
        int lo = 0, hi = curve.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (curve[mid].Time <= t)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found;
    }

    /// <summary>Linear-interpolation percentile of sorted values (numpy's default method).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /// <summary>The spec without its name and searcher seed: experiments with the same key are repeats.</summary>
    private static string SpecKey(Experiment e)
    {
        if (e.Spec?.DeepClone() is not System.Text.Json.Nodes.JsonObject spec)
        {
            return "experiment:" + e.Directory;
        }
        spec.Remove("name");
        if (spec["searcher"] is System.Text.Json.Nodes.JsonObject searcher)
        {
            searcher.Remove("seed");
        }
        return spec.ToJsonString();
    }

    private static string SchedulerLabel(Experiment e) =>
        e.SchedulerName == "fifo" && e.Spec?["searcher"]?["type"]?.GetValue<string>() is null or "random" ? "random search (fifo)" : e.SchedulerName;

    private static string GroupLabel(IReadOnlyList<Experiment> group)
    {
        if (group.Count == 1)
        {
            return group[0].Name;
        }
        var names = group.Select(e => e.Name).ToList();
        var prefix = names.Aggregate((a, b) => new string(a.Zip(b).TakeWhile(p => p.First == p.Second).Select(p => p.First).ToArray()));
        prefix = prefix.TrimEnd('-', '_', '.', ' ');
        return prefix.Length > 0 ? prefix : group[0].SchedulerName;
    }

    private static string TimeLabel(IReadOnlyList<Experiment> experiments) =>
        experiments.All(e => e.IsSimulated) ? "simulated wall-clock time (s)"
        : experiments.Any(e => e.IsSimulated) ? "wall-clock time (s; simulated time for simulated runs)"
        : "wall-clock time (s)";

    private static string MetricLabel(Experiment e) =>
        $"{e.Metric} ({(e.Mode == "max" ? "higher" : "lower")} is better)";
}
