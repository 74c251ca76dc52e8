using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Http = Microsoft.AspNetCore.Http.Results;

namespace OrleansHpo.Dashboard;

/// <summary>The dashboard's pages, static files, JSON API and event stream.</summary>
internal static partial class Routes
{
    private const string Json = "application/json; charset=utf-8";

    public static void Map(WebApplication app, FeedRegistry registry, IExperimentControl control, AccessGuard guard, DashboardOptions options)
    {
        var pollInterval = options.PollInterval;

        app.MapGet("/", (HttpContext c) => Page(c, "index.html", guard));
        app.MapGet("/e/{name}", (HttpContext c, string name) => registry.Get(name) is null ? NotFound(name, registry) : Page(c, "experiment.html", guard));
        app.MapGet("/e/{name}/t/{id:int}", (HttpContext c, string name, int id) => registry.Get(name) is null ? NotFound(name, registry) : Page(c, "trial.html", guard));
        app.MapGet("/static/{**file}", (HttpContext c, string file) =>
        {
            var bytes = DashboardServer.Asset(file);
            if (bytes is null)
            {
                return file == "lib/echarts.min.js"
                    ? Http.Text("window.echarts = null; // the charting library was not built in: run scripts/install-deps.sh, then build hpo again", "text/javascript")
                    : Http.NotFound();
            }
            c.Response.Headers.CacheControl = file.StartsWith("lib/", StringComparison.Ordinal) ? "public, max-age=86400" : "no-cache";
            return Http.Bytes(bytes, ContentType(file));
        });

        app.MapGet("/api/experiments", () => Http.Bytes(Payloads.List(Refreshed(registry), options.SourceLabel), Json));

        app.MapGet("/api/experiments/{name}", (string name) =>
        {
            var feed = registry.Get(name);
            if (feed is null)
            {
                return NotFound(name, registry);
            }
            feed.Refresh(pollInterval);
            return Http.Bytes(feed.Payload("experiment", Payloads.Experiment), Json);
        });

        app.MapGet("/api/experiments/{name}/reports", (string name, int? from) =>
        {
            var feed = registry.Get(name);
            if (feed is null)
            {
                return NotFound(name, registry);
            }
            feed.Refresh(pollInterval);
            int start = Math.Max(0, from ?? 0);
            if (start == 0)
            {
                return Http.Bytes(feed.Payload("reports", (v, e) => Payloads.Reports(v, e, 0)), Json);
            }
            var (version, experiment) = feed.Snapshot();
            return Http.Bytes(Payloads.Reports(version, experiment, start), Json);
        });

        app.MapGet("/api/experiments/{name}/trials/{id:int}", async (string name, int id, CancellationToken ct) =>
        {
            var feed = registry.Get(name);
            if (feed is null)
            {
                return NotFound(name, registry);
            }
            feed.Refresh(pollInterval);
            var (_, e) = feed.Snapshot();
            var summary = e.Trials().FirstOrDefault(t => t.TrialId == id);
            TrialRuntime? runtime = null;
            string? problem = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                runtime = await control.GetTrialAsync(feed.Directory, feed.Name, id, timeout.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                problem = $"{ex.GetType().Name}: {Secrets.RedactText(ex.Message)}";
            }
            if (summary is null && runtime is null)
            {
                return Http.Json(new { error = $"experiment '{name}' has no trial {id} (yet)" }, statusCode: 404);
            }
            summary ??= new OrleansHpo.Results.TrialSummary(id, runtime!.Status, 0, double.NaN, double.NaN, 0, double.NaN, double.NaN, new Dictionary<string, string>());
            return Http.Bytes(Payloads.Trial(e, summary, runtime, CheckpointFiles(feed.Directory, id), problem), Json);
        });

        app.MapPost("/api/experiments/{name}/stop", async (HttpContext c, string name, CancellationToken ct) =>
        {
            var feed = registry.Get(name);
            if (feed is null)
            {
                return NotFound(name, registry);
            }
            feed.Refresh(TimeSpan.Zero);
            var status = feed.Snapshot().Experiment.Status;
            if (status is "completed" or "failed")
            {
                return Http.Json(new { stopped = false, status, message = $"{name} is already {status}; nothing to stop" }, statusCode: 409);
            }
            string reason = "stopped from the dashboard";
            if (c.Request.ContentLength > 0)
            {
                try
                {
                    var body = await JsonNode.ParseAsync(c.Request.Body, cancellationToken: ct);
                    if (body?["reason"] is JsonValue r && r.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s))
                    {
                        reason = s.Length > 200 ? s[..200] : s;
                    }
                }
                catch (JsonException)
                {
                    return Http.Json(new { error = "the body must be JSON: {\"reason\": \"...\"}" }, statusCode: 400);
                }
            }
            await control.StopAsync(feed.Directory, feed.Name, reason, ct);
            return Http.Json(new { stopped = true, status, message = $"stop requested for {name}: running trials stop within a second, then the status is recorded" }, statusCode: 202);
        });

        app.MapGet("/api/events", (HttpContext c, string? experiment) => Events(c, registry, experiment));
    }

    /// <summary>
    /// Server-sent events: an <c>update</c> event now and on every change of the folder's list or of the watched
    /// experiment (new reports, new metadata.json), so pages refetch what they show; a comment every 15 s keeps proxies open.
    /// </summary>
    private static async Task Events(HttpContext c, FeedRegistry registry, string? name)
    {
        var feed = name is null ? null : registry.Get(name);
        if (name is not null && feed is null)
        {
            c.Response.StatusCode = 404;
            return;
        }
        c.Response.Headers.ContentType = "text/event-stream";
        c.Response.Headers.CacheControl = "no-cache";
        c.Response.Headers["X-Accel-Buffering"] = "no";
        var ct = c.RequestAborted;
        Interlocked.Increment(ref registry.Subscribers);
        if (feed is not null)
        {
            Interlocked.Increment(ref feed.Subscribers);
        }
        try
        {
            registry.RefreshList();
            feed?.Refresh(TimeSpan.Zero);
            long listSeen = -1, seen = -1;
            while (!ct.IsCancellationRequested)
            {
                long list = registry.ListVersion;
                long version = feed?.Version ?? 0;
                if (list != listSeen || version != seen)
                {
                    listSeen = list;
                    seen = version;
                    var data = feed is null
                        ? $"{{\"list_version\":{list}}}"
                        : $"{{\"list_version\":{list},\"version\":{version},\"reports\":{feed.ReportCount},\"status\":{JsonSerializer.Serialize(feed.Snapshot().Experiment.Status)}}}";
                    await c.Response.WriteAsync($"event: update\ndata: {data}\n\n", ct);
                    await c.Response.Body.FlushAsync(ct);
                }
                var waits = new List<Task> { registry.WaitForListChangeAsync(listSeen), Task.Delay(TimeSpan.FromSeconds(15), ct) };
                if (feed is not null)
                {
                    waits.Add(feed.WaitForChangeAsync(seen));
                }
                var done = await Task.WhenAny(waits);
                if (done == waits[1] && !ct.IsCancellationRequested)
                {
                    await c.Response.WriteAsync(": keep-alive\n\n", ct);
                    await c.Response.Body.FlushAsync(ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // The browser went away.
        }
        finally
        {
            Interlocked.Decrement(ref registry.Subscribers);
            if (feed is not null)
            {
                Interlocked.Decrement(ref feed.Subscribers);
            }
        }
    }

    private static FeedRegistry Refreshed(FeedRegistry registry)
    {
        registry.RefreshList();
        return registry;
    }

    /// <summary>Checkpoint files of a trial in the local store (DIR/NAME/checkpoints/trial-N/epoch-E.fence-F.ckpt).</summary>
    private static List<(string Path, int Epoch, long Bytes)> CheckpointFiles(string directory, int trialId)
    {
        var folder = Path.Combine(directory, "checkpoints", "trial-" + trialId.ToString(CultureInfo.InvariantCulture));
        var files = new List<(string, int, long)>();
        if (!Directory.Exists(folder))
        {
            return files;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.ckpt"))
        {
            var m = CheckpointFile().Match(Path.GetFileName(file));
            if (m.Success)
            {
                try
                {
                    files.Add((file, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), new FileInfo(file).Length));
                }
                catch (IOException)
                {
                    // Removed while listing.
                }
            }
        }
        return [.. files.OrderBy(f => f.Item2)];
    }

    private static IResult Page(HttpContext c, string file, AccessGuard guard)
    {
        var html = Encoding.UTF8.GetString(DashboardServer.Asset(file) ?? []);
        c.Response.Headers.CacheControl = "no-store";
        c.Response.Headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
        c.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return Http.Content(html.Replace("{{ACTION_KEY}}", guard.ActionKey, StringComparison.Ordinal), "text/html; charset=utf-8");
    }

    private static IResult NotFound(string name, FeedRegistry registry)
    {
        var known = registry.Names();
        return Http.Json(new
        {
            error = known.Count == 0
                ? $"no experiment named '{name}' in {registry.Root} (no experiments there yet)"
                : $"no experiment named '{name}' in {registry.Root}; known: {string.Join(", ", known.Take(20))}",
        }, statusCode: 404);
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".html" => "text/html; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };

    [GeneratedRegex(@"^epoch-(\d+)\.fence-\d+\.ckpt$")]
    private static partial Regex CheckpointFile();
}
