using CryoSphere.View;
using Microsoft.Playwright;

namespace CryoSphere.Tests.View;

/// <summary>
/// A tiny simulated run (200 images, 32 px, 2 epochs) with an analysis, served by <c>view</c> on a free loopback port,
/// and a headless Debian chromium driven by Playwright (no browser download; `.ci/run` installs the package).
/// </summary>
public sealed class ViewFixture : IAsyncLifetime
{
    public const int Images = 200;
    public const string Chromium = "/usr/bin/chromium";

    public string SimDir { get; }
    public string RunDir { get; }
    public string AnalysisDir { get; }
    public ViewSession Session { get; private set; } = null!;
    public ViewServer Server { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public ViewFixture()
    {
        string root = TestData.TempDir("view");
        SimDir = Path.Combine(root, "sim");
        RunDir = Path.Combine(root, "run");
        AnalysisDir = Path.Combine(root, "analysis");
    }

    public async Task InitializeAsync()
    {
        TinyRun.Make(TinyRun.Simulation(SimDir, Images), RunDir);
        var r = CliRunner.Run("analyze", "--run", RunDir, "--out", AnalysisDir, "--steps", "5", "--kmeans", "3", "--pcs", "1");
        Assert.True(r.ExitCode == 0, r.Err);
        Session = ViewSession.Open(RunDir, AnalysisDir, device: "cpu");
        Server = await ViewServer.StartAsync(Session, new ViewServerOptions { Port = 0 });
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await LaunchAsync(Playwright);
    }

    /// <summary>Headless chromium from Debian; --no-sandbox because tests run as root in CI; WebGL through SwiftShader.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright pw) => pw.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium,
        Headless = true,
        Args = ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
    });

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Server.DisposeAsync();
        Session.Dispose();
    }
}
