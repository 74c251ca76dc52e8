using Microsoft.Extensions.Hosting;
using OrleansHpo.Silo;

// A standalone silo on this machine (localhost clustering). Cluster configuration (Redis) comes with issue 4.
var options = new HpoSiloOptions
{
    StateDirectory = Environment.GetEnvironmentVariable("HPO_STATE_DIR") ?? Path.Combine(Path.GetTempPath(), "orleans-hpo-silo"),
};
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    silo.AddOrleansHpo(options);
});
await builder.Build().RunAsync();
