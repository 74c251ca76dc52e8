using System.Diagnostics;
using OrleansHpo.Testing;
using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.Redis;

/// <summary>
/// A bad Azure Storage connection ends <c>hpo silo</c> and <c>hpo run --cluster</c> within seconds with exit code 2 and
/// a message naming the setting (--cluster), never hanging in the providers' retries and never printing the key.
/// </summary>
[Collection("redis-cluster")]
public sealed class ClusterSettingsTests(ClusterStoresFixture stores) : IClassFixture<ClusterStoresFixture>
{
    private const string WrongKey = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXk=";

    private static async Task<(int Code, string Error, TimeSpan Took)> Hpo(IDictionary<string, string> env, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(HpoProcess.Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hpo {string.Join(' ', args)} hung: {await output}\n{await error}");
        }
        return (process.ExitCode, await output + await error, clock.Elapsed);
    }

    private static string Connection(int blobPort, int tablePort, string key) =>
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.Account};AccountKey={key};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AzuriteServer.Account};TableEndpoint=http://127.0.0.1:{tablePort}/{AzuriteServer.Account};";

    public static TheoryData<string, string> BadConnections => new()
    {
        { "unreachable", "cannot reach" },
        { "wrong-key", "refused the credentials" },
        { "malformed", "is not KEY=VALUE" },
        { "unset-variable", "HPO_TEST_UNSET_STORAGE is not set" },
    };

    [Theory]
    [MemberData(nameof(BadConnections))]
    public async Task A_bad_azure_connection_fails_the_silo_and_the_client_fast_with_exit_2_naming_the_setting(string kind, string expected)
    {
        var azurite = (AzuriteServer)stores.Get("azurite");
        var env = new Dictionary<string, string>();
        string cluster;
        switch (kind)
        {
            case "unreachable":
                env["HPO_TEST_BAD_STORAGE"] = Connection(FreePorts.Next(), FreePorts.Next(), AzuriteServer.AccountKey);
                cluster = "azure:HPO_TEST_BAD_STORAGE";
                break;
            case "wrong-key":
                env["HPO_TEST_BAD_STORAGE"] = Connection(azurite.BlobPort, azurite.TablePort, WrongKey);
                cluster = "azure:HPO_TEST_BAD_STORAGE";
                break;
            case "malformed":
                cluster = "azure:AccountKey;" + WrongKey;
                break;
            default:
                cluster = "azure:HPO_TEST_UNSET_STORAGE";
                break;
        }
        var silo = await Hpo(env, "silo", "--cluster", cluster, "--silo-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var dir = HpoProcess.TempDir();
        var client = await Hpo(env, "run", SyntheticAshaSpec.Write(dir, "bad", 2, 0, seed: 1), "--cluster", cluster, "--results-dir", dir);
        foreach (var (who, run) in new[] { ("hpo silo", silo), ("hpo run", client) })
        {
            Assert.True(run.Code == 2, $"{who}: exit {run.Code}, expected 2\n{run.Error}");
            Assert.Contains("--cluster", run.Error);
            Assert.Contains(expected, run.Error);
            Assert.DoesNotContain(WrongKey, run.Error);
            Assert.DoesNotContain(AzuriteServer.AccountKey, run.Error);
            Assert.True(run.Took < TimeSpan.FromSeconds(45), $"{who} took {run.Took} to fail");
        }
    }
}
