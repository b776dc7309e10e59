using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CryoSphere.View;

/// <summary>Where the dashboard listens. Loopback unless a host is given; any other host needs the token.</summary>
public sealed record ViewServerOptions
{
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>TCP port; 0 lets the system choose a free one.</summary>
    public int Port { get; init; } = 8050;
    /// <summary>Token for a non-loopback host; null = a fresh random one. Ignored on loopback.</summary>
    public string? Token { get; init; }
}

/// <summary>
/// <c>cryosphere view</c>'s web server: ASP.NET Core minimal API over a <see cref="ViewSession"/>, serving the
/// embedded page (wwwroot) and the JSON/binary API the page calls (<see cref="ViewApi"/>).
/// </summary>
public sealed class ViewServer : IAsyncDisposable
{
    public const string TokenCookie = "cryosphere_view_token";

    private readonly WebApplication _app;

    /// <summary>The address to open, with <c>?token=…</c> when the server needs one.</summary>
    public string Url { get; }
    /// <summary>The base address (scheme, host, port) without the token.</summary>
    public string BaseUrl { get; }
    public string? Token { get; }
    public IPEndPoint EndPoint { get; }

    private ViewServer(WebApplication app, string baseUrl, string? token, IPEndPoint ep)
    {
        _app = app;
        BaseUrl = baseUrl;
        Token = token;
        EndPoint = ep;
        Url = token is null ? baseUrl + "/" : $"{baseUrl}/?token={token}";
    }

    public static async Task<ViewServer> StartAsync(ViewSession session, ViewServerOptions o)
    {
        var address = ParseHost(o.Host);
        if (o.Port is < 0 or > 65535) throw new InputException($"--port must be 0…65535 (got {o.Port})");
        // A token only where others can reach the port: on loopback the page is the user's own.
        string? token = IPAddress.IsLoopback(address) ? null : o.Token ?? NewToken();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(address, o.Port));
        var app = builder.Build();
        app.Use(async (ctx, next) =>
        {
            if (token is not null && !Authorised(ctx, token))
            {
                await ViewApi.Error(StatusCodes.Status401Unauthorized, "this dashboard needs the token printed by cryosphere view (open the URL with ?token=…)").ExecuteAsync(ctx);
                return;
            }
            try
            {
                await next(ctx);
            }
            catch (InputException e) when (!ctx.Response.HasStarted)
            {
                await ViewApi.Error(StatusCodes.Status400BadRequest, e.Message).ExecuteAsync(ctx);
            }
            catch (Exception e) when (!ctx.Response.HasStarted && e is not OperationCanceledException)
            {
                // A bug in one request must not stop the dashboard: the page gets one line, the console the trace.
                Console.Error.WriteLine($"view: {ctx.Request.Path}: {e}");
                await ViewApi.Error(StatusCodes.Status500InternalServerError, $"internal error ({e.GetType().Name}): {e.Message}").ExecuteAsync(ctx);
            }
        });
        ViewApi.Map(app, session);
        StaticAssets.Map(app);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new InputException($"cannot listen on {o.Host}:{o.Port}: {e.Message} (choose another --port)");
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(bound);
        var ep = new IPEndPoint(address, uri.Port);
        string shown = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName() : uri.Host;
        return new ViewServer(app, $"http://{shown}:{uri.Port}", token, ep);
    }

    private static IPAddress ParseHost(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        if (IPAddress.TryParse(host, out var a)) return a;
        throw new InputException($"--host '{host}' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)");
    }

    // 128 random bits from the system's cryptographic generator: a secret, not a seeded random draw.
    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static bool Authorised(HttpContext ctx, string token)
    {
        var expected = Encoding.UTF8.GetBytes(token);
        bool Matches(string? s) => s is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s), expected);
        if (Matches(ctx.Request.Query["token"].FirstOrDefault()))
        {
            // The page's own requests then carry the cookie instead of the token in every URL.
            ctx.Response.Cookies.Append(TokenCookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            return true;
        }
        return Matches(ctx.Request.Cookies[TokenCookie]);
    }

    /// <summary>Completes when the server stops (Ctrl-C in the CLI cancels <paramref name="ct"/>).</summary>
    public async Task WaitAsync(CancellationToken ct)
    {
        try { await Task.Delay(Timeout.Infinite, ct); }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
