using System.CommandLine;
using OrleansHpo.Client;

return await HpoCli.InvokeAsync(args, Console.Out, Console.Error);
