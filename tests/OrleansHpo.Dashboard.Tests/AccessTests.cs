using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansHpo.Client;
using OrleansHpo.Client.Commands;

namespace OrleansHpo.Dashboard.Tests;

/// <summary>Who may read and act: a token beyond 127.0.0.1 (here 127.0.0.2, another loopback address), the action key
/// for POSTs, loopback host names only without a token.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessTests(BrowserFixture browser, FinishedExperimentFixture experiment) : IClassFixture<FinishedExperimentFixture>
{
    private const string Token = "test-token-0123456789";

    [Fact]
    public async Task Beyond_127_0_0_1_every_request_without_the_token_gets_401()
    {
        await using var server = await DashboardCommand.Start(experiment.Root, IPAddress.Parse("127.0.0.2"), 0, Token, null, null, CancellationToken.None);
        var origin = new Uri(server.Url).GetLeftPart(UriPartial.Authority);
        Assert.StartsWith("http://127.0.0.2:", origin);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        foreach (var path in new[] { "/", "/api/experiments", $"/api/experiments/{FinishedExperimentFixture.Name}", "/api/events", "/static/app.js", "/static/lib/echarts.min.js" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(origin + path)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(origin + path + "?token=wrong-token-000")).StatusCode);
        }
        var stop = $"{origin}/api/experiments/{FinishedExperimentFixture.Name}/stop";
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync(stop, null)).StatusCode);

        // With the token: the API answers; an action also needs it in X-Hpo-Token (the experiment is finished: 409).
        using var authorized = new HttpRequestMessage(HttpMethod.Get, origin + "/api/experiments");
        authorized.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(authorized)).StatusCode);
        using var noActionKey = new HttpRequestMessage(HttpMethod.Post, stop);
        noActionKey.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(noActionKey)).StatusCode);
        using var action = new HttpRequestMessage(HttpMethod.Post, stop);
        action.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        action.Headers.Add("X-Hpo-Token", Token);
        Assert.Equal(HttpStatusCode.Conflict, (await http.SendAsync(action)).StatusCode);

        // In the browser: refused without the token; the printed URL (with ?token=) opens the pages, by cookie afterwards.
        var page = await browser.NewPageAsync();
        var refused = await page.GotoAsync(origin + "/");
        Assert.Equal(401, refused!.Status);
        var opened = await page.GotoAsync(server.Url);
        Assert.Equal(200, opened!.Status);
        Assert.DoesNotContain("token=", page.Url);
        await page.Locator($"tr[data-name='{FinishedExperimentFixture.Name}']").WaitForAsync();
        await page.GotoAsync($"{origin}/e/{FinishedExperimentFixture.Name}");
        await page.WaitForFunctionAsync("() => window.hpo && hpo.state && hpo.state.chartsReady");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Binding_beyond_127_0_0_1_without_a_token_is_refused()
    {
        var e = await Assert.ThrowsAsync<UserError>(() => DashboardCommand.Start(experiment.Root, IPAddress.Parse("127.0.0.2"), 0, null, null, null, CancellationToken.None));
        Assert.Contains("token", e.Message);
    }

    [Fact]
    public async Task On_loopback_actions_need_the_page_key_and_only_loopback_host_names_are_answered()
    {
        using var http = new HttpClient();
        var stop = $"{experiment.BaseUrl}/api/experiments/{FinishedExperimentFixture.Name}/stop";
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync(stop, new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        using var rebound = new HttpRequestMessage(HttpMethod.Get, experiment.BaseUrl + "/api/experiments");
        rebound.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(rebound)).StatusCode);
    }

    [Fact]
    public void Secrets_in_specs_and_addresses_are_hidden()
    {
        var spec = System.Text.Json.Nodes.JsonNode.Parse("""
            {"name":"x","checkpoints":{"store":"azure","connection_string":"DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0","container":"c"},
             "note":"redis://:hunter2@10.0.0.1:6379","sas_token":"sv=1&sig=abc"}
            """);
        var shown = Secrets.Redact(spec)!.ToJsonString();
        Assert.DoesNotContain("c2VjcmV0", shown);
        Assert.DoesNotContain("hunter2", shown);
        Assert.DoesNotContain("sig=abc", shown);
        Assert.Contains("\"container\":\"c\"", shown);
    }
}
