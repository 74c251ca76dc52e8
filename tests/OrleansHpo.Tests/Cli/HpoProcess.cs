using System.Diagnostics;

namespace OrleansHpo.Tests.Cli;

/// <summary>Runs the real <c>hpo</c> program (hpo.dll, copied next to the tests) as a child process.</summary>
internal static class HpoProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "hpo.dll");

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info)!;
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hpo {string.Join(' ', args)} did not finish in {timeout}");
        }
        return (process.ExitCode, await output, await error);
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "hpo-cli-tests", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Lines of a file another process is writing (results.csv of a live run); 0 while it cannot be opened.</summary>
    public static int CountLines(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            int n = 0;
            while (reader.ReadLine() is not null)
            {
                n++;
            }
            return n;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
