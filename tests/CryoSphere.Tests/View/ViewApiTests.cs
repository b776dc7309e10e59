using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using CryoSphere.View;

namespace CryoSphere.Tests.View;

/// <summary>The dashboard's server without a browser: bad requests, where it listens, the token.</summary>
[Trait("Category", "Slow")]
[Collection(ViewCollection.Name)]
public class ViewApiTests(ViewFixture f)
{
    private static async Task<(HttpStatusCode Status, string Error)> Get(HttpClient http, string url)
    {
        var r = await http.GetAsync(url);
        string body = await r.Content.ReadAsStringAsync();
        string error = r.IsSuccessStatusCode ? "" : JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
        return (r.StatusCode, error);
    }

    [Fact]
    public async Task BadRequestsGetA4xxWithAMessageAndTheServerGoesOn()
    {
        using var http = new HttpClient { BaseAddress = new Uri(f.Server.BaseUrl) };
        int l = f.Session.LatentDim;
        var cases = new (string Url, HttpStatusCode Status, string Mentions)[]
        {
            ("/api/particles/200", HttpStatusCode.NotFound, "no particle 200"),
            ("/api/particles/-1", HttpStatusCode.NotFound, "no particle -1"),
            ("/api/particles/abc", HttpStatusCode.BadRequest, "not an integer"),
            ("/api/particles/99999999999/images", HttpStatusCode.BadRequest, "not an integer"),
            ("/api/structure?z=1,2", HttpStatusCode.BadRequest, $"latent dimension is {l}"),
            ("/api/structure?z=" + string.Join(",", Enumerable.Repeat("x", l)), HttpStatusCode.BadRequest, "'x' is not a finite number"),
            ("/api/structure?z=" + string.Join(",", Enumerable.Repeat("NaN", l)), HttpStatusCode.BadRequest, "not a finite number"),
            ("/api/structure", HttpStatusCode.BadRequest, "exactly one of"),
            ("/api/structure?particle=500", HttpStatusCode.NotFound, "no particle 500"),
            ("/api/points?x=99", HttpStatusCode.BadRequest, "PC '99'"),
            ("/api/traversal?pc=0&steps=1", HttpStatusCode.BadRequest, "steps"),
            ("/api/colour?name=nope", HttpStatusCode.NotFound, "no colour column"),
            ("/api/selections/..%2Fetc/file", HttpStatusCode.BadRequest, "no selection"),
            ("/api/nothing", HttpStatusCode.NotFound, "no such API call"),
        };
        foreach (var (url, status, mentions) in cases)
        {
            var (s, e) = await Get(http, url);
            Assert.True(s == status, $"{url}: {s} ({e})");
            Assert.Contains(mentions, e);
        }
        var post = await http.PostAsync("/api/selection", new StringContent("{\"x\":0,\"y\":1,\"polygon\":[[0,0],[1,1]]}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("at least 3", await post.Content.ReadAsStringAsync());
        var junk = await http.PostAsync("/api/selection", new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);

        // Still serving, and a good latent decodes.
        var ok = await http.GetAsync("/api/structure?z=" + string.Join(",", Enumerable.Repeat("0.1", l)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var coords = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty("coords").GetArrayLength();
        Assert.Equal(f.Session.Run.Setup.Structure.Count * 3, coords);
    }

    [Fact]
    public async Task ListensOnLoopbackOnlyByDefault()
    {
        Assert.True(IPAddress.IsLoopback(f.Server.EndPoint.Address), f.Server.EndPoint.ToString());
        Assert.Null(f.Server.Token);
        // Every other address of this machine refuses the port.
        var others = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)).ToArray();
        foreach (var a in others)
        {
            using var c = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => c.ConnectAsync(a, f.Server.EndPoint.Port));
        }
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(f.Server.BaseUrl + "/api/summary")).StatusCode);
    }

    [Fact]
    public async Task AnotherHostNeedsTheToken()
    {
        await using var open = await ViewServer.StartAsync(f.Session, new ViewServerOptions { Host = "0.0.0.0", Port = 0 });
        Assert.NotNull(open.Token);
        Assert.Equal(32, open.Token!.Length);
        string local = $"http://127.0.0.1:{open.EndPoint.Port}";
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies });
        var (s, e) = await Get(http, local + "/api/summary");
        Assert.Equal(HttpStatusCode.Unauthorized, s);
        Assert.Contains("token", e);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(local + "/?token=" + new string('0', 32))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(local + "/?token=" + open.Token)).StatusCode);
        // The page's later requests carry the cookie set by the first one.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(local + "/api/summary")).StatusCode);
    }

    [Fact]
    public async Task ColoursAndSegmentsAreTheFilesOwn()
    {
        using var http = new HttpClient { BaseAddress = new Uri(f.Server.BaseUrl) };
        var summary = JsonDocument.Parse(await http.GetStringAsync("/api/summary")).RootElement;
        var names = summary.GetProperty("colours").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToArray();
        Assert.Contains("k-means", names);
        Assert.Contains("rlnDefocusU", names);
        Assert.Contains("truth: angle_deg", names);

        // The truth colour is truth.csv's column; k-means is analyze's labels.txt; a STAR column is that column.
        async Task<float[]> Colour(string name) => MemoryMarshal.Cast<byte, float>(await http.GetByteArrayAsync("/api/colour?name=" + Uri.EscapeDataString(name))).ToArray();
        var truth = CryoSphere.Simulation.TruthTable.Read(Path.Combine(f.SimDir, "truth.csv"));
        Assert.Equal(truth.Columns[0].Select(x => (float)x), await Colour("truth: angle_deg"));
        var labels = File.ReadAllLines(Path.Combine(f.AnalysisDir, "kmeans", "labels.txt")).Select(float.Parse);
        Assert.Equal(labels, await Colour("k-means"));
        var star = CryoSphere.IO.StarFile.Read(Path.Combine(f.SimDir, "particles.star")).ParticlesBlock.Loop!;
        int col = star.ColumnIndex("rlnDefocusU");
        Assert.Equal(star.Rows.Select(r => float.Parse(r[col], System.Globalization.CultureInfo.InvariantCulture)), await Colour("rlnDefocusU"));

        // Segments: the hard assignment of analyze's segmentation.csv, residue by residue.
        var seg = JsonDocument.Parse(await http.GetStringAsync("/api/segmentation")).RootElement;
        var served = seg.GetProperty("segment").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var written = File.ReadAllLines(Path.Combine(f.AnalysisDir, "segmentation.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[3])).ToArray();
        Assert.Equal(written, served);
    }

    [Fact]
    public void ViewCommandReportsAMissingRunInOneLine()
    {
        var r = CliRunner.Run("view", "--run", Path.Combine(TestData.TempDir("view-none"), "absent"), "--port", "0");
        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneLineError(r, "run folder not found");
    }

    [Fact]
    public void ARunCopiedWithoutItsImagesStillOpensAndSaysWhatIsMissing()
    {
        // Copy the run and its analysis, not the simulation's stacks: config.yaml's particle paths are absolute
        // (outside the run), so point them at a copy of the STAR file alone.
        string root = TestData.TempDir("view-copy");
        string run = Path.Combine(root, "run"), sim = Path.Combine(root, "sim");
        Directory.CreateDirectory(sim);
        File.Copy(Path.Combine(f.SimDir, "particles.star"), Path.Combine(sim, "particles.star"));
        File.Copy(Path.Combine(f.SimDir, "base.pdb"), Path.Combine(sim, "base.pdb"));
        CopyDir(f.RunDir, run);
        CopyDir(f.AnalysisDir, Path.Combine(run, "analysis"));
        string cfg = Path.Combine(run, "config.yaml");
        File.WriteAllText(cfg, File.ReadAllText(cfg).Replace(f.SimDir, sim));
        using var s = ViewSession.Open(run, null, device: "cpu");
        Assert.False(s.HasImages);
        Assert.Equal(ViewFixture.Images, s.Count);
        Assert.Contains(s.Missing, m => m.StartsWith("particle images:", StringComparison.Ordinal) && m.Contains("particles.mrcs", StringComparison.Ordinal));
        Assert.Equal(Path.GetFullPath(Path.Combine(run, "analysis")), s.AnalysisDir);
    }

    private static void CopyDir(string from, string to)
    {
        foreach (var d in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(d.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to));
    }
}
