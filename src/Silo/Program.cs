using OrleansHpo.Silo;

// A cluster silo (Redis clustering, grain state and reminders). `hpo silo` runs the same host.
return await ClusterSiloHost.RunAsync(args, Console.Error);
