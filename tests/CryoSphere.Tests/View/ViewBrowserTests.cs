using System.Runtime.InteropServices;
using System.Text.Json;
using CryoSphere.Analysis;
using CryoSphere.IO;
using CryoSphere.Training;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CryoSphere.Tests.View;

/// <summary>The `view` dashboard in a real browser (Debian chromium through Playwright) on a tiny trained run.</summary>
[Trait("Category", "Slow")]
[Collection(ViewCollection.Name)]
public class ViewBrowserTests(ViewFixture f, ITestOutputHelper log)
{
    private const int TimeoutMs = 20_000;

    /// <summary>A page on the dashboard, ready, with every console error and page error collected.</summary>
    private async Task<(IPage Page, List<string> Errors)> OpenAsync(string? url = null)
    {
        var page = await f.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1100 } });
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add("console: " + m.Text); };
        page.PageError += (_, e) => errors.Add("page: " + e);
        await page.GotoAsync(url ?? f.Server.Url);
        await page.WaitForFunctionAsync("() => window.cryoView && (window.cryoView.ready || window.cryoView.errors.length > 0)", null, new() { Timeout = TimeoutMs });
        return (page, errors);
    }

    private float[] AnalysisLatents() => Npy.Read(Path.Combine(f.AnalysisDir, "z.npy")).ToFloats();

    [Fact]
    public async Task PageLoadsWithOnePointPerParticleAndNoConsoleErrors()
    {
        var (page, errors) = await OpenAsync();
        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.cryoView.errors"));
        Assert.Equal(ViewFixture.Images, await page.EvaluateAsync<int>("() => window.cryoView.pointsDrawn"));
        Assert.Equal(ViewFixture.Images.ToString(), await page.GetAttributeAsync("#scatter", "data-points"));

        // The points the page drew are the PCA of analyze's z.npy, computed here on its own.
        var z = AnalysisLatents();
        var pcs = Pca.Fit(z, ViewFixture.Images, 8).Transform(z, ViewFixture.Images, 2);
        var drawn = await page.EvaluateAsync<float[]>("() => Array.from(window.cryoView.state.xy)");
        Assert.Equal(2 * ViewFixture.Images, drawn.Length);
        for (int i = 0; i < drawn.Length; i++) Assert.Equal(pcs[i], drawn[i], 1e-4);
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task ClickingAPointRendersItsDecodedStructureAndParticle()
    {
        var (page, errors) = await OpenAsync();
        var at = await page.EvaluateAsync<JsonElement>("() => window.cryoView.pixelOf(17)");
        float px = at.GetProperty("x").GetSingle(), py = at.GetProperty("y").GetSingle();
        // Hover names the particle and its image.
        await page.Mouse.MoveAsync(px, py);
        await page.WaitForFunctionAsync("() => document.getElementById('hover').textContent.includes('@')", null, new() { Timeout = TimeoutMs });
        string hover = await page.InnerTextAsync("#hover");
        int hovered = int.Parse(hover.Split(' ')[1]);
        Assert.Equal($"particle {hovered} · {f.Session.Run.Setup.Data.Table.ImageNames[hovered]}", hover);
        await page.Mouse.ClickAsync(px, py);
        // The click picks the nearest point; several may share a pixel, so read which one it was.
        int i = await page.EvaluateAsync<int>("() => window.cryoView.state.selected");
        await page.WaitForFunctionAsync($"() => document.getElementById('viewer').dataset.structure === 'particle {i}'", null, new() { Timeout = TimeoutMs });
        Assert.InRange(i, 0, ViewFixture.Images - 1);
        var served = await page.EvaluateAsync<float[]>("() => window.cryoView.state.lastStructure.coords");

        // Independently: decode analyze's latent of that particle with a freshly opened run.
        var z = AnalysisLatents();
        using (var run = TrainedRun.Open(f.RunDir, device: "cpu", needImages: false))
        {
            var expected = run.Decode(z.AsSpan(i * run.LatentDim, run.LatentDim).ToArray(), 1);
            Assert.Equal(expected.Length, served.Length);
            for (int k = 0; k < expected.Length; k++) Assert.True(Math.Abs(expected[k] - served[k]) <= 1e-4, $"coordinate {k}: {served[k]} vs {expected[k]}");
        }

        // The 3D viewer drew something: count non-white pixels of its rendered image.
        int painted = await page.EvaluateAsync<int>(@"async () => {
            const v = window.cryoView.state.viewer; v.render();
            const img = new Image(); img.src = v.pngURI(); await img.decode();
            const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
            const x = c.getContext('2d'); x.drawImage(img, 0, 0);
            const d = x.getImageData(0, 0, c.width, c.height).data; let n = 0;
            for (let k = 0; k < d.length; k += 4) if (d[k + 3] > 0 && (d[k] < 235 || d[k + 1] < 235 || d[k + 2] < 235)) n++;
            return n; }");
        log.WriteLine($"particle {i}: {painted} painted pixels in the 3D viewer");
        Assert.True(painted > 500, $"3D viewer painted {painted} pixels");

        // The particle panel: observed, prediction (CTF and shift) and residual of that particle.
        await page.WaitForFunctionAsync($"() => document.getElementById('particle-panel').dataset.particle === '{i}'", null, new() { Timeout = TimeoutMs });
        var im = await page.EvaluateAsync<JsonElement>("() => window.cryoView.state.particleImages");
        int n = im.GetProperty("size").GetInt32();
        Assert.Equal(32, n);
        var obs = im.GetProperty("observed").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var pred = im.GetProperty("predicted").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var res = im.GetProperty("residual").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(n * n, obs.Length);
        double oo = obs.Sum(x => x * x), pp = pred.Sum(x => x * x), op = obs.Zip(pred, (a, b) => a * b).Sum(), rr = res.Sum(x => x * x);
        Assert.True(pp > 0, "blank prediction");
        Assert.Equal(op / Math.Sqrt(oo * pp), im.GetProperty("correlation").GetDouble(), 4);
        // The residual is taken after the least-squares scale, so it never holds more energy than the image.
        Assert.True(rr <= oo * (1 + 1e-6), $"residual {rr} > observed {oo}");
        for (int k = 0; k < obs.Length; k++) Assert.Equal(obs[k] - pred[k], res[k], 4);
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task BoxSelectionExportsAStarWithThatManyParticles()
    {
        var (page, errors) = await OpenAsync();
        // A box over the left half of the cloud, drawn with the mouse.
        var xy = await page.EvaluateAsync<float[]>("() => Array.from(window.cryoView.state.xy)");
        var xs = Enumerable.Range(0, ViewFixture.Images).Select(k => (double)xy[2 * k]).Order().ToArray();
        var ys = Enumerable.Range(0, ViewFixture.Images).Select(k => (double)xy[2 * k + 1]).ToArray();
        double xCut = xs[ViewFixture.Images / 2];
        var a = await page.EvaluateAsync<JsonElement>($"() => window.cryoView.dataToPage({xs[0] - 1}, {ys.Max() + 1})");
        var b = await page.EvaluateAsync<JsonElement>($"() => window.cryoView.dataToPage({xCut}, {ys.Min() - 1})");
        // Clamped to the plot: the points beyond its edges are drawn there, the box still holds them in data space.
        var box = await page.Locator("#overlay").BoundingBoxAsync();
        float Clamp(float v, float lo, float hi) => Math.Min(hi - 1, Math.Max(lo + 1, v));
        float ax = Clamp(a.GetProperty("x").GetSingle(), box!.X, box.X + box.Width), ay = Clamp(a.GetProperty("y").GetSingle(), box.Y, box.Y + box.Height);
        float bx = Clamp(b.GetProperty("x").GetSingle(), box.X, box.X + box.Width), by = Clamp(b.GetProperty("y").GetSingle(), box.Y, box.Y + box.Height);
        await page.Mouse.MoveAsync(ax, ay);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((ax + bx) / 2, (ay + by) / 2, new() { Steps = 5 });
        await page.Mouse.MoveAsync(bx, by, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        int shown = int.Parse((await page.GetAttributeAsync("#selection-count", "data-count"))!);
        Assert.InRange(shown, 1, ViewFixture.Images - 1);

        // What the page sent: the box in PC coordinates; the same box applied here to analyze's latents.
        var poly = await page.EvaluateAsync<double[][]>("() => window.cryoView.state.selection.polygon");
        double x0 = poly.Min(p => p[0]), x1 = poly.Max(p => p[0]), y0 = poly.Min(p => p[1]), y1 = poly.Max(p => p[1]);
        var z = AnalysisLatents();
        var pcs = Pca.Fit(z, ViewFixture.Images, 8).Transform(z, ViewFixture.Images, 2);
        var expected = Enumerable.Range(0, ViewFixture.Images).Where(k => pcs[2 * k] > x0 && pcs[2 * k] < x1 && pcs[2 * k + 1] > y0 && pcs[2 * k + 1] < y1).ToArray();
        Assert.Equal(expected.Length, shown);

        await page.ClickAsync("#export");
        await page.WaitForSelectorAsync("#download:not([hidden])", new() { Timeout = TimeoutMs });
        Assert.Equal(shown.ToString(), await page.GetAttributeAsync("#download", "data-count"));
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
        string saved = Path.Combine(TestData.TempDir("view-download"), "selected.star");
        await download.SaveAsAsync(saved);
        var star = StarFile.Read(saved);
        Assert.Equal(shown, star.ParticlesBlock.Loop!.RowCount);
        // The rows are those particles of the source file, in order (the same code as analyze --select).
        var source = StarFile.Read(Path.Combine(f.SimDir, "particles.star")).ParticlesBlock.Loop!;
        int name = source.ColumnIndex("rlnImageName");
        Assert.Equal(expected.Select(k => source.Rows[k][name]), star.ParticlesBlock.Loop!.Rows.Select(r => r[name]));
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task TrainingChartUpdatesWhenAMetricsRowIsAppended()
    {
        var (page, errors) = await OpenAsync();
        string before = (await page.GetAttributeAsync("#training-panel", "data-rows"))!;
        var metrics = new MetricsLog(Path.Combine(f.RunDir, "metrics.csv"));
        int rows = metrics.Rows.Count;
        Assert.Equal(rows.ToString(), before);
        var last = metrics.Rows[^1];
        metrics.Append(new Dictionary<string, double>(last) { ["epoch"] = last["epoch"] + 1, ["loss"] = last["loss"] - 0.01 });
        await page.WaitForFunctionAsync($"() => document.getElementById('training-panel').dataset.rows === '{rows + 1}'", null, new() { Timeout = TimeoutMs });
        Assert.Equal(1, await page.Locator("#charts canvas[data-metric='loss']").CountAsync());
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task TraversalMatchesAnalyzeAndPlays()
    {
        var (page, errors) = await OpenAsync();
        await page.SelectOptionAsync("#traversal-pc", "0");
        await page.ClickAsync("#play");
        await page.WaitForFunctionAsync("() => document.getElementById('structure-caption').textContent.startsWith('traversal')", null, new() { Timeout = TimeoutMs });
        Assert.True(await page.EvaluateAsync<bool>("() => window.cryoView.state.viewer.isAnimated()"));
        Assert.Equal(10, await page.EvaluateAsync<int>("() => window.cryoView.state.viewer.getModel().getNumFrames()"));

        // The server's traversal with analyze's step count equals analyze's pc1/traversal.pdb (PDB precision).
        using var http = new HttpClient();
        var j = JsonDocument.Parse(await http.GetStringAsync(f.Server.BaseUrl + "/api/traversal?pc=0&steps=5")).RootElement;
        string tmp = Path.Combine(TestData.TempDir("view-trav"), "t.pdb");
        File.WriteAllText(tmp, j.GetProperty("pdb").GetString());
        var served = StructureReader.ReadModels(tmp);
        var written = StructureReader.ReadModels(Path.Combine(f.AnalysisDir, "pc1", "traversal.pdb"));
        Assert.Equal(written.Count, served.Count);
        for (int m = 0; m < served.Count; m++)
        {
            var sa = served[m].Chains.SelectMany(c => c.Residues).SelectMany(r => r.Atoms).ToArray();
            var wa = written[m].Chains.SelectMany(c => c.Residues).SelectMany(r => r.Atoms).ToArray();
            Assert.Equal(wa.Length, sa.Length);
            for (int k = 0; k < sa.Length; k++)
            {
                Assert.Equal(wa[k].X, sa[k].X, 3);
                Assert.Equal(wa[k].BFactor, sa[k].BFactor);
            }
        }
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task FirstPaintOf300000ParticlesIsUnderTwoSeconds()
    {
        // A fake analysis of 300,000 latents of this run's dimension (the run itself is small: the scatter and its
        // first paint only depend on z.npy).
        const int n = 300_000;
        int l = f.Session.LatentDim;
        string dir = TestData.TempDir("view-300k");
        var rng = new Random(7);
        var z = new float[n * l];
        for (int i = 0; i < z.Length; i++) z[i] = (float)(rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5);
        Npy.Write(Path.Combine(dir, "z.npy"), z, n, l);
        using var session = CryoSphere.View.ViewSession.Open(f.RunDir, dir, device: "cpu");
        await using var server = await CryoSphere.View.ViewServer.StartAsync(session, new CryoSphere.View.ViewServerOptions { Port = 0 });
        // The first page also pays for the server's first requests (JIT) and a new renderer process: reported, and
        // the bound applies to the next one, what a user sees on opening or reloading the dashboard.
        var (cold, coldErrors) = await OpenAsync(server.Url);
        double coldMs = await cold.EvaluateAsync<double>("() => window.cryoView.firstPaintMs");
        log.WriteLine($"cold first paint of {n} particles: {coldMs:F0} ms after navigation start, steps {await cold.EvaluateAsync<JsonElement>("() => window.cryoView.timings")}");
        Assert.Empty(coldErrors);
        await cold.CloseAsync();
        var (page, errors) = await OpenAsync(server.Url);
        Directory.Delete(dir, recursive: true);
        double ms = await page.EvaluateAsync<double>("() => window.cryoView.firstPaintMs");
        var t = await page.EvaluateAsync<JsonElement>("() => window.cryoView.timings");
        log.WriteLine($"first paint of {n} particles: {ms:F0} ms after navigation start, steps {t}");
        // Then every particle is drawn (the first paint is every 10th).
        Assert.Equal(n, await page.EvaluateAsync<int>("() => window.cryoView.pointsDrawn"));
        Assert.True(t.GetProperty("drawn").GetDouble() > ms, "the full set was drawn after the preview");
        Assert.InRange(ms, 1, 2000);
        Assert.Empty(errors);
        await page.CloseAsync();
    }
}
