using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OrleansHpo.Silo;

// A standalone silo on this machine (localhost clustering). Cluster configuration (Redis) comes with issue 4.
var options = new HpoSiloOptions
{
    StateDirectory = Environment.GetEnvironmentVariable("HPO_STATE_DIR") ?? Path.Combine(Path.GetTempPath(), "orleans-hpo-silo"),
};
var builder = Host.CreateApplicationBuilder(args);
// "Hpo" section of appsettings.json / environment (Hpo__WorkerSlots, Hpo__Device, Hpo__IntraOpThreads, Hpo__Trainables__0).
builder.Configuration.GetSection("Hpo").Bind(options);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    silo.AddOrleansHpo(options);
});
await builder.Build().RunAsync();
