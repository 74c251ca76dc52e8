using System.CommandLine;
using System.Net;
using OrleansHpo.Client.Dashboard;
using OrleansHpo.Dashboard;

namespace OrleansHpo.Client.Commands;

/// <summary>
/// <c>hpo dashboard [--results-dir DIR | --cluster URL] [--port 8080] [--bind 127.0.0.1] [--token T]</c>: the web
/// dashboard (docs/dashboard.md) until Ctrl+C; and <c>hpo run --dashboard</c>, which serves it next to a run.
/// </summary>
public static class DashboardCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var resultsDir = CommandSupport.ResultsDir();
        var cluster = new Option<string?>("--cluster") { Description = "Also ask a running cluster (redis://HOST:PORT) for stops and trial details; --results-dir must be the folder its silos write" };
        var port = new Option<int>("--port") { Description = "TCP port (0: a free one)", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind") { Description = "Address to listen on; beyond loopback a token is required (generated and printed when --token is not given)", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string?>("--token") { Description = "Access token every request must carry (default: none on loopback, generated otherwise)" };
        var command = new Command("dashboard", "Serve the experiments of a results folder as a live web dashboard (charts, trial table, stop)") { resultsDir, cluster, port, bind, token };
        command.SetAction((parse, ct) => CommandSupport.Guard(error, async () =>
        {
            var address = ParseBind(parse.GetValue(bind)!);
            var given = parse.GetValue(token);
            if (given is { Length: < 8 })
            {
                throw new UserError("--token: use at least 8 characters (or leave it out to have one generated)");
            }
            bool generated = given is null && !new DashboardOptions { ResultsDir = "", Bind = address }.IsLoopback;
            var tokenValue = generated ? DashboardServer.NewToken() : given;
            var root = parse.GetValue(resultsDir)!;
            var clusterUrl = parse.GetValue(cluster);
            GrainHost? host = clusterUrl is null ? null : await ClusterConnection.ConnectAsync(clusterUrl, ct);
            try
            {
                await using var server = await Start(root, address, parse.GetValue(port), tokenValue, host is null ? null : clusterUrl, host, ct);
                output.WriteLine($"dashboard: {server.Url}");
                if (generated)
                {
                    output.WriteLine($"token: {tokenValue} (generated; every request needs it, it is not printed again)");
                }
                output.WriteLine("Ctrl+C stops the dashboard (experiments go on).");
                output.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                }
                return ExitCodes.Ok;
            }
            finally
            {
                if (host is not null)
                {
                    await host.DisposeAsync();
                }
            }
        }));
        return command;
    }

    /// <summary>Starts the dashboard on <paramref name="root"/>; port conflicts and bad binds become user errors.</summary>
    public static async Task<DashboardServer> Start(string root, IPAddress bind, int port, string? token, string? clusterUrl, GrainHost? cluster, CancellationToken cancellationToken)
    {
        var options = new DashboardOptions
        {
            ResultsDir = root,
            Bind = bind,
            Port = port,
            Token = token,
            SourceLabel = clusterUrl is null ? Path.GetFullPath(root) : $"{Path.GetFullPath(root)} + cluster {OrleansHpo.Silo.RedisConnection.Redacted(clusterUrl)}",
        };
        IExperimentControl control = cluster is null ? new FolderExperimentControl() : new ClusterExperimentControl(cluster);
        try
        {
            return await DashboardServer.StartAsync(options, control, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            throw new UserError(e.Message);
        }
    }

    /// <summary>
    /// <c>hpo run --dashboard</c>: serves the results folder on loopback while <paramref name="run"/> goes on, and prints
    /// the URL to stderr (stdout stays the run's output). Port <paramref name="port"/>, or a free one when it is taken.
    /// </summary>
    public static async Task<int> WithDashboard(bool enabled, int port, string root, TextWriter error, Func<Task<int>> run)
    {
        if (!enabled)
        {
            return await run();
        }
        Directory.CreateDirectory(root);
        DashboardServer server;
        try
        {
            server = await Start(root, IPAddress.Loopback, port, null, null, null, CancellationToken.None);
        }
        catch (UserError) when (port != 0)
        {
            server = await Start(root, IPAddress.Loopback, 0, null, null, null, CancellationToken.None);
        }
        await using (server)
        {
            await error.WriteLineAsync($"dashboard: {server.Url}");
            return await run();
        }
    }

    private static IPAddress ParseBind(string text)
    {
        if (text.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }
        if (!IPAddress.TryParse(text, out var address))
        {
            throw new UserError($"--bind {text}: give an IP address of this machine (127.0.0.1, 0.0.0.0 for every interface, or one interface's address)");
        }
        return address;
    }
}
