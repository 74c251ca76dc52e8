using System.Net;

namespace OrleansHpo.Dashboard;

/// <summary>What <c>hpo dashboard</c> serves and where (see docs/dashboard.md).</summary>
public sealed class DashboardOptions
{
    /// <summary>Folder holding the experiments (DIR/NAME/results.csv, metadata.json).</summary>
    public required string ResultsDir { get; init; }

    /// <summary>Address to listen on; loopback by default. Any other address requires <see cref="Token"/>.</summary>
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>
    /// Access token. When set (always when bound beyond loopback), every request must carry it (header
    /// <c>Authorization: Bearer T</c>, <c>?token=T</c> once, which sets a cookie, or that cookie); otherwise 401.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>What the pages say the data comes from ("folder DIR" or the redacted cluster address).</summary>
    public string? SourceLabel { get; init; }

    /// <summary>How often watched experiments are re-read for new reports.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// True for the default binds, 127.0.0.1 and ::1, which need no token. Any other address needs one, other
    /// loopback addresses (127.0.0.2, ...) included: they may be forwarded or shared with containers.
    /// </summary>
    public bool IsLoopback => Bind.Equals(IPAddress.Loopback) || Bind.Equals(IPAddress.IPv6Loopback);
}
