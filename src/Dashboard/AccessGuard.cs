using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OrleansHpo.Dashboard;

/// <summary>
/// Who may read and act. With a token (always when bound beyond loopback) every request must carry it: header
/// <c>Authorization: Bearer T</c>, or <c>?token=T</c> (which sets an HttpOnly, SameSite=Strict cookie and redirects to
/// the same page without it), or that cookie; anything else gets 401. Actions (POST) must also carry the action key in
/// the <c>X-Hpo-Token</c> header: the pages read it from their own HTML, which another site cannot, so a page elsewhere
/// cannot make a browser stop an experiment (CSRF). Without a token (loopback only) the action key is random per server,
/// and requests must name a loopback host (a DNS-rebinding page cannot reach the dashboard through its own name).
/// </summary>
public sealed class AccessGuard
{
    public const string CookieName = "hpo_dashboard_token";
    public const string ActionHeader = "X-Hpo-Token";
    private readonly byte[]? _token;
    private readonly bool _loopback;

    public AccessGuard(string? token, bool loopback)
    {
        _token = token is null ? null : Encoding.UTF8.GetBytes(token);
        _loopback = loopback;
        ActionKey = token ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
    }

    /// <summary>The key that actions must carry (the token, or a random one per server without a token).</summary>
    public string ActionKey { get; }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (_loopback && _token is null && !IsLoopbackHost(request.Host.Host))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("this dashboard answers only to a loopback host name (127.0.0.1, localhost, [::1])");
            return;
        }
        if (_token is not null)
        {
            if (request.Query.TryGetValue("token", out var q) && Matches(q.ToString()))
            {
                context.Response.Cookies.Append(CookieName, q.ToString(), new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Path = "/",
                });
                if (HttpMethods.IsGet(request.Method) && !request.Path.StartsWithSegments("/api"))
                {
                    context.Response.Redirect(request.PathBase + request.Path);
                    return;
                }
            }
            else if (!Matches(Bearer(request)) && !Matches(request.Cookies[CookieName]))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.Response.WriteAsync("401: this dashboard needs its token: open the URL hpo dashboard printed (…/?token=…), or send Authorization: Bearer TOKEN");
                return;
            }
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && !FixedEquals(request.Headers[ActionHeader].ToString(), ActionKey))
        {
            context.Response.StatusCode = _token is null ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync($"actions need the dashboard's token in the {ActionHeader} header");
            return;
        }
        await next(context);
    }

    private bool Matches(string? presented) => _token is not null && presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token);

    private static bool FixedEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    private static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
