using System.Net;
using OrleansHpo.Client.Commands;

namespace OrleansHpo.Dashboard.Tests;

/// <summary>A finished synthetic experiment (24 trials, promotion ASHA) and a dashboard on 127.0.0.1 serving its folder.</summary>
public sealed class FinishedExperimentFixture : IAsyncLifetime
{
    public const string Name = "finished-asha";

    public string Root { get; } = Experiments.TempDir("finished");

    public DashboardServer Server { get; private set; } = null!;

    public string BaseUrl => Server.Url.TrimEnd('/');

    public async Task InitializeAsync()
    {
        var (code, output, error) = await Experiments.Run(Root, Experiments.Spec(Root, Name, trials: 24, delayMs: 0));
        Assert.True(code == 0, $"hpo run exited {code}: {output} {error}");
        Server = await DashboardCommand.Start(Root, IPAddress.Loopback, 0, null, null, null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
