using StackExchange.Redis;

namespace OrleansHpo.Silo;

/// <summary>Parses the Redis connection forms users give: <c>redis://[USER][:PASSWORD@]HOST:PORT</c> or a StackExchange.Redis string.</summary>
public static class RedisConnection
{
    /// <summary>StackExchange.Redis options for <paramref name="connection"/>; a <see cref="FormatException"/> names the problem.</summary>
    public static ConfigurationOptions Parse(string connection)
    {
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new FormatException("the Redis connection is empty; give redis://HOST:PORT");
        }
        ConfigurationOptions options;
        if (connection.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(connection, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new FormatException($"'{ClusterBackend.Shorten(connection)}' is not a Redis URL; give redis://[:PASSWORD@]HOST:PORT");
            }
            options = new ConfigurationOptions();
            options.EndPoints.Add(uri.Host, uri.Port > 0 ? uri.Port : 6379);
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                var parts = uri.UserInfo.Split(':', 2);
                if (parts.Length == 2)
                {
                    if (parts[0].Length > 0)
                    {
                        options.User = Uri.UnescapeDataString(parts[0]);
                    }
                    options.Password = Uri.UnescapeDataString(parts[1]);
                }
                else
                {
                    options.Password = Uri.UnescapeDataString(parts[0]);
                }
            }
        }
        else
        {
            try
            {
                options = ConfigurationOptions.Parse(connection);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"'{ClusterBackend.Shorten(connection)}' is not a Redis connection string ({e.Message}); give redis://HOST:PORT", e);
            }
            if (options.EndPoints.Count == 0)
            {
                throw new FormatException($"'{ClusterBackend.Shorten(connection)}' names no Redis server; give redis://HOST:PORT");
            }
        }
        // Keep retrying while Redis restarts instead of failing the silo at once.
        options.AbortOnConnectFail = false;
        options.ConnectRetry = 5;
        return options;
    }

    /// <summary>The connection without its password, for logs.</summary>
    public static string Redacted(string connection)
    {
        var options = Parse(connection);
        return string.Join(",", options.EndPoints.Select(e => e.ToString())) + (options.Password is null ? "" : " (with password)");
    }
}
