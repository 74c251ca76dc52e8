using OrleansHpo.Testing;

namespace OrleansHpo.Tests.Redis;

/// <summary>
/// The Orleans Dashboard of a cluster silo (<c>hpo silo --dashboard</c>): served on loopback at the configured port,
/// and off unless asked for (no HTTP listener at all).
/// </summary>
[Collection("redis-cluster")]
public sealed class DashboardTests(ClusterStoresFixture stores) : IClassFixture<ClusterStoresFixture>
{
    [Fact]
    public async Task A_silo_started_with_dashboard_serves_it_on_loopback_and_one_without_serves_nothing()
    {
        int port = FreePorts.Next();
        using (var cluster = new SiloCluster(stores.Get("redis"), 1, "--dashboard", "--dashboard-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var page = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            Assert.True(page.IsSuccessStatusCode, $"dashboard answered {(int)page.StatusCode}; silo log:\n{cluster.Log(0)}");
            Assert.Contains("html", (await page.Content.ReadAsStringAsync()).ToLowerInvariant());
        }

        int unused = FreePorts.Next();
        using (new SiloCluster(stores.Get("redis"), 1, "--dashboard-port", unused.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            Assert.False(FreePorts.Accepts(unused), "a silo without --dashboard listens on the dashboard port");
        }
    }
}
