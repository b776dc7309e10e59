using System.Text.Json;
using CryoSphere.Analysis;
using CryoSphere.IO;
using CryoSphere.Simulation;

namespace CryoSphere.Tests.Analysis;

public class AnalyzeTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>
{
    private string A(params string[] p) => Path.Combine([run.AnalysisDir, .. p]);

    [Fact]
    public void AnalysisWritesEveryFile()
    {
        Assert.True(run.Analyze.ExitCode == 0, run.Analyze.Err);
        var z = Npy.Read(A("z.npy"));
        Assert.Equal([TrainedRunFixture.Images, 8L], z.Shape);
        var csv = File.ReadAllLines(A("z.csv"));
        Assert.Equal(TrainedRunFixture.Images + 1, csv.Length);
        Assert.StartsWith("image,z1,", csv[0]);

        var models = StructureReader.ReadModels(A("pc1", "traversal.pdb"));
        Assert.Equal(TrainedRunFixture.Steps, models.Count);
        for (int i = 0; i < TrainedRunFixture.Steps; i++) Assert.True(File.Exists(A("pc1", $"structure_{i:000}.pdb")));
        Assert.True(File.Exists(A("pc3", "traversal.pdb")));
        Assert.Equal(3, StructureReader.ReadModels(A("kmeans", "centres.pdb")).Count);

        var seg = StructureReader.Read(A("segments.pdb"));
        var b = seg.Atoms.Select(x => x.BFactor).ToArray();
        Assert.Equal(214, b.Length);
        Assert.All(b, v => Assert.InRange(v, 1, 4));

        string cxc = File.ReadAllText(A("chimerax.cxc"));
        Assert.Contains("open pc1/traversal.pdb coordsets true", cxc);
        Assert.Contains($"coordset #2 1,{TrainedRunFixture.Steps}", cxc);
        Assert.Contains("color byattribute bfactor", cxc);

        foreach (var png in new[] { "pca.png", "explained_variance.png", "segmentation.png", "motion_angles.png", "motion_translations.png", "training_loss.png", "training_corr.png" })
        {
            var bytes = File.ReadAllBytes(A(png));
            Assert.True(bytes.Length > 1000, png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        string html = File.ReadAllText(A("report.html"));
        Assert.Contains("<img", html);
        Assert.Contains("data:image/png;base64,", html);
        Assert.Contains("<th>epochs trained</th><td>2</td>", html);
        Assert.Contains("<th>segment</th>", html);
        Assert.Equal(9, File.ReadAllLines(A("pca.csv")).Length);

        var vol = MrcVolume.Read(A("volumes", "pc1_000.mrc"));
        Assert.Equal((32, 32, 32), (vol.Nx, vol.Ny, vol.Nz));
        Assert.Equal(3.0, vol.VoxelSize, 4);
        Assert.Equal(-48.0, vol.Origin.X, 3);

        Assert.Equal(TrainedRunFixture.Images, StructureReader.ReadModels(A("structures", "particles_000000-000199.pdb")).Count);

        using var doc = JsonDocument.Parse(File.ReadAllText(A("analysis.json")));
        Assert.Equal(Path.GetFullPath(run.RunDir), doc.RootElement.GetProperty("run").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("epoch").GetInt32());
        var ratio = doc.RootElement.GetProperty("explained_variance_ratio").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(1.0, ratio.Sum(), 6);
    }

    [Fact]
    public void SelectionWritesMatchingStarRows()
    {
        var z = Npy.Read(A("z.npy")).ToFloats();
        var pca = Pca.Fit(z, TrainedRunFixture.Images, 8);
        var pc = pca.Transform(z, TrainedRunFixture.Images, 1);
        var expected = Enumerable.Range(0, TrainedRunFixture.Images).Where(i => pc[i] > 0).ToArray();
        var idx = File.ReadAllLines(A("selected_indices.txt")).Select(int.Parse).ToArray();
        Assert.Equal(expected, idx);
        Assert.InRange(idx.Length, 1, TrainedRunFixture.Images - 1);

        var src = StarFile.Read(Path.Combine(run.SimDir, "particles.star"));
        var sel = StarFile.Read(A("selected.star"));
        Assert.Equal(src.Blocks.Count, sel.Blocks.Count);
        var rows = sel.ParticlesBlock.Loop!;
        Assert.Equal(idx.Length, rows.RowCount);
        for (int j = 0; j < idx.Length; j++) Assert.Equal(src.ParticlesBlock.Loop!.Rows[idx[j]], rows.Rows[j]);
    }

    [Fact]
    public void TraversalDecodingIsDeterministicAndMoves()
    {
        string other = TestData.TempDir("analysis2");
        var r = CliRunner.Run("analyze", "--run", run.RunDir, "--out", other, "--steps", TrainedRunFixture.Steps.ToString(), "--kmeans", "0", "--pcs", "1");
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(File.ReadAllBytes(A("pc1", "structure_000.pdb")), File.ReadAllBytes(Path.Combine(other, "pc1", "structure_000.pdb")));
        Assert.Equal(File.ReadAllBytes(A("z.npy")), File.ReadAllBytes(Path.Combine(other, "z.npy")));
        var first = StructureReader.Read(A("pc1", "structure_000.pdb")).Atoms.Select(a => a.X).ToArray();
        var last = StructureReader.Read(A("pc1", $"structure_{TrainedRunFixture.Steps - 1:000}.pdb")).Atoms.Select(a => a.X).ToArray();
        Assert.NotEqual(first, last);
    }

    [Fact]
    public void GivenLatentsAreDecoded()
    {
        string dir = TestData.TempDir("zin");
        string zf = Path.Combine(dir, "z_in.npy");
        var z = new float[3 * 8];
        z[8] = 1;
        z[16] = -1;
        Npy.Write(zf, z, 3, 8);
        var r = CliRunner.Run("analyze", "--run", run.RunDir, "--out", Path.Combine(dir, "out"), "--z", zf, "--kmeans", "0", "--pcs", "1", "--steps", "2", "--all-structures");
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(3, StructureReader.ReadModels(Path.Combine(dir, "out", "structures", "particles_000000-000002.pdb")).Count);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "out", "z.csv")).Length);
    }

    [Fact]
    public void EvaluateWritesSummary()
    {
        string outDir = TestData.TempDir("eval");
        // The ceiling has its own test below; skipping it here keeps this one fast.
        var r = CliRunner.Run("evaluate", "--analysis", run.AnalysisDir, "--truth", run.SimDir, "--out", outDir, "--particles", "5", "--ceiling-images", "0");
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("FSC resolution at 0.143", r.Out);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var s = doc.RootElement;
        Assert.Equal(5, s.GetProperty("fsc_particles").GetInt32());
        Assert.Equal("angle_deg", s.GetProperty("truth_coordinate").GetString());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("ceiling").ValueKind);
        Assert.DoesNotContain("ceiling r", r.Out);
        foreach (var key in new[] { "fsc_resolution05_mean", "fsc_resolution0143_mean" })
            Assert.InRange(s.GetProperty(key).GetDouble(), 6.0 - 1e-9, 1000);
        var corr = s.GetProperty("pc_correlations").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(3, corr.Length);
        Assert.All(corr, c => Assert.InRange(c, -1, 1));
        Assert.Equal(corr.Max(Math.Abs), s.GetProperty("best_abs_r").GetDouble(), 12);
        Assert.Equal(TrainedRunFixture.Images, s.GetProperty("rmsd_particles").GetInt32());
        Assert.True(s.GetProperty("rmsd_mean").GetDouble() > 0);
        Assert.True(s.GetProperty("rmsd_median").GetDouble() > 0);
        Assert.True(s.GetProperty("clashes_mean").GetDouble() >= 0);

        // The base structure's clash count against a brute-force count over all pairs.
        var b = StructureReader.ReadStructure(Path.Combine(run.SimDir, "base.pdb"));
        int brute = 0;
        for (int i = 0; i < b.Count; i++)
            for (int j = i + 1; j < b.Count; j++)
            {
                double d2 = 0;
                for (int k = 0; k < 3; k++) d2 += Math.Pow(b.Coordinates[3 * i + k] - b.Coordinates[3 * j + k], 2);
                if (d2 < 16 && !(b.ChainIds[i] == b.ChainIds[j] && Math.Abs(b.ResidueNumbers[i] - b.ResidueNumbers[j]) == 1)) brute++;
            }
        Assert.Equal(brute, s.GetProperty("base_clashes").GetInt32());
        Assert.True(File.Exists(Path.Combine(outDir, "fsc.csv")));
        Assert.True(new FileInfo(Path.Combine(outDir, "fsc.png")).Length > 1000);
    }

    [Fact]
    public void EvaluateReportsTheCeilingAndCentroidDistances()
    {
        string outDir = TestData.TempDir("eval");
        const string pair = "A:1-100/A:122-159";
        var r = CliRunner.Run("evaluate", "--analysis", run.AnalysisDir, "--truth", run.SimDir, "--out", outDir, "--particles", "2",
            "--ceiling-images", "50", "--distance", pair);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains("ceiling r", r.Out);
        Assert.Contains("Distance " + pair, r.Out);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var s = doc.RootElement;
        var ceiling = s.GetProperty("ceiling");
        Assert.Equal(50, ceiling.GetProperty("images").GetInt32());
        Assert.Equal(InformationCeiling.Steps1D, ceiling.GetProperty("grid_points").GetInt32());
        double ceilingR = ceiling.GetProperty("r")[0].GetDouble();
        Assert.InRange(ceilingR, 0.05, 1);
        var coord = Assert.Single(s.GetProperty("coordinates").EnumerateArray());
        Assert.Equal("angle_deg", coord.GetProperty("name").GetString());
        Assert.Equal(s.GetProperty("best_abs_r").GetDouble(), coord.GetProperty("best_abs_r").GetDouble());
        Assert.Equal(ceilingR, coord.GetProperty("ceiling_r").GetDouble());
        Assert.Equal(coord.GetProperty("best_abs_r").GetDouble() / ceilingR, coord.GetProperty("ratio_to_ceiling").GetDouble(), 12);
        Assert.InRange(coord.GetProperty("linear_fit_r").GetDouble(), coord.GetProperty("best_abs_r").GetDouble() - 1e-9, 1);

        var d = Assert.Single(s.GetProperty("distances").EnumerateArray());
        Assert.Equal(pair, d.GetProperty("pair").GetString());
        Assert.Equal(TrainedRunFixture.Images, d.GetProperty("particles").GetInt32());
        foreach (var f in new[] { "scatter_png", "histogram_png" })
            Assert.True(new FileInfo(Path.Combine(outDir, d.GetProperty(f).GetString()!)).Length > 1000, f);
        var rows = File.ReadAllLines(Path.Combine(outDir, d.GetProperty("csv").GetString()!)).Skip(1)
            .Select(l => l.Split(',').Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.Equal(Statistics.Pearson(rows.Select(x => x[2]).ToArray(), rows.Select(x => x[1]).ToArray()), d.GetProperty("pearson_r").GetDouble(), 4);
        // The model's population: one posterior draw per particle (z_sd.npy known), its distances in the CSV's last column.
        Assert.EndsWith(",posterior_draw_A", File.ReadLines(Path.Combine(outDir, d.GetProperty("csv").GetString()!)).First());
        Assert.Equal(Statistics.StandardDeviation(rows.Select(x => x[3]).ToArray()), d.GetProperty("drawn_sd").GetDouble(), 4);
        Assert.Contains("model's population", r.Out);

        // By hand: predicted distances from analyze's per-particle structures, true ones from the truth angle.
        var predicted = StructureReader.ReadModels(A("structures", "particles_000000-000199.pdb"));
        var (_, state) = Simulator.Truth(Simulator.ReadOptions(run.SimDir));
        var angles = File.ReadAllLines(Path.Combine(run.SimDir, "truth.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        foreach (int i in new[] { 0, 57, 199 })
        {
            Assert.Equal(i, (int)rows[i][0]);
            Assert.Equal(Distance(Structure.FromAtomicModel(predicted[i]).Coordinates), rows[i][2], 2e-2);
            Assert.Equal(Distance(state(angles[i])), rows[i][1], 1e-3);
        }

        static double Distance(float[] c)
        {
            // Residues 1–100 and 122–159 of chain A are indices 0–99 and 121–158 (1AKE chain A is numbered from 1).
            double[] Mean(int from, int to) => [.. Enumerable.Range(0, 3).Select(k => Enumerable.Range(from, to - from + 1).Average(i => (double)c[3 * i + k]))];
            var a = Mean(0, 99);
            var b = Mean(121, 158);
            return Math.Sqrt(Enumerable.Range(0, 3).Sum(k => (a[k] - b[k]) * (a[k] - b[k])));
        }
    }

    [Fact]
    public void BadArgumentsGiveOneLineErrors()
    {
        string outDir = TestData.TempDir("bad");
        CliRunner.AssertOneLineError(CliRunner.Run("analyze", "--run", Path.Combine(outDir, "nope"), "--out", outDir), "run folder not found");
        CliRunner.AssertOneLineError(CliRunner.Run("analyze", "--run", run.RunDir, "--epoch", "99", "--out", outDir), "no checkpoint for epoch 99");
        CliRunner.AssertOneLineError(CliRunner.Run("analyze", "--run", run.RunDir, "--out", outDir, "--select", "pc1>>x"), "--select");
        CliRunner.AssertOneLineError(CliRunner.Run("analyze", "--run", run.RunDir, "--out", outDir, "--select", "pc9>0"), "out of range");
        CliRunner.AssertOneLineError(CliRunner.Run("evaluate", "--analysis", outDir, "--truth", run.SimDir), "analysis.json");
        CliRunner.AssertOneLineError(CliRunner.Run("evaluate", "--analysis", run.AnalysisDir, "--truth", run.SimDir, "--out", outDir, "--distance", "A:1-10"), "--distance");
        CliRunner.AssertOneLineError(CliRunner.Run("evaluate", "--analysis", run.AnalysisDir, "--truth", run.SimDir, "--out", outDir, "--ceiling-images", "-1"), "--ceiling-images");
    }
}

public class LatentContentTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>
{
    [Fact]
    public void TraversalSpansAndLatentNatsAreWhatTheFilesSay()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.AnalysisDir, "analysis.json")));
        var spans = doc.RootElement.GetProperty("traversal_rmsd").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(3, spans.Length);
        for (int pc = 1; pc <= 3; pc++)
        {
            // Independently: the written first and last structures of the traversal (3 decimals in the PDB).
            var a = StructureReader.Read(Path.Combine(run.AnalysisDir, $"pc{pc}", "structure_000.pdb")).Atoms;
            var b = StructureReader.Read(Path.Combine(run.AnalysisDir, $"pc{pc}", $"structure_{TrainedRunFixture.Steps - 1:000}.pdb")).Atoms;
            double s = a.Zip(b, (p, q) => (p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y) + (p.Z - q.Z) * (p.Z - q.Z)).Sum();
            Assert.Equal(Math.Sqrt(s / a.Count()), spans[pc - 1], 2);
        }
        Assert.True(spans[0] > 0);
        var last = File.ReadAllLines(Path.Combine(run.RunDir, "metrics.csv"));
        var header = last[0].Split(',');
        double kl = double.Parse(last[^1].Split(',')[Array.IndexOf(header, "kl_latent")], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(kl, doc.RootElement.GetProperty("latent_nats").GetDouble(), 12);
        Assert.Contains("traversal span (Cα RMSD, 5th → 95th percentile): PC1 ", run.Analyze.Out);
        Assert.Contains("traversal span, Cα RMSD 5th → 95th percentile", File.ReadAllText(Path.Combine(run.AnalysisDir, "report.html")));
    }

    [Fact]
    public void PosteriorsAreWrittenAndTheTraversalSpansTheirPopulation()
    {
        // z_sd.npy: the encoder's σ for every particle, beside z.npy's μ (independently: the run encoded again here).
        var sd = Npy.Read(Path.Combine(run.AnalysisDir, Analyzer.LatentSdFile));
        var z = Npy.Read(Path.Combine(run.AnalysisDir, "z.npy")).ToFloats();
        Assert.Equal([TrainedRunFixture.Images, 8L], sd.Shape);
        using (var tr = TrainedRun.Open(run.RunDir, null, null))
        {
            var (mu, sigma) = tr.LatentPosteriors();
            Assert.Equal(z, mu);
            Assert.Equal(sigma, sd.ToFloats());
        }
        Assert.All(sd.ToFloats(), v => Assert.True(v > 0));
        // PC1's traversal runs over the 5th–95th percentile of the draws' scores, which spread wider than the means'.
        var pca = Pca.Fit(z, TrainedRunFixture.Images, 8);
        var means = pca.Transform(z, TrainedRunFixture.Images, 1);
        var draws = pca.Transform(PosteriorDraws.One(z, sd.ToFloats(), 1), TrainedRunFixture.Images, 1);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.AnalysisDir, "analysis.json")));
        var t = doc.RootElement.GetProperty("traversals")[0].EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(Statistics.Percentile(draws, 5), t[0], 9);
        Assert.Equal(Statistics.Percentile(draws, 95), t[^1], 9);
        Assert.True(t[^1] - t[0] > Statistics.Percentile(means, 95) - Statistics.Percentile(means, 5));
        // ρ² per PC, as the report gives it.
        var rho2 = doc.RootElement.GetProperty("pc_determination").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(3, rho2.Length);
        Assert.All(rho2, v => Assert.InRange(v, 0, 1));
        Assert.Contains("determined per particle (ρ²): PC1 ", run.Analyze.Out);
    }

    [Fact]
    public void PosteriorDrawsHaveTheirPosteriorsMoments()
    {
        // 20,000 draws of N(2, 0.5²) and N(−1, 3²): means and sds within 4 standard errors.
        const int n = 20000;
        var mu = new float[2 * n];
        var sd = new float[2 * n];
        for (int i = 0; i < n; i++) { mu[2 * i] = 2; sd[2 * i] = 0.5f; mu[2 * i + 1] = -1; sd[2 * i + 1] = 3; }
        var d = PosteriorDraws.One(mu, sd, 7);
        for (int j = 0; j < 2; j++)
        {
            var col = Enumerable.Range(0, n).Select(i => (double)d[2 * i + j]).ToArray();
            double m = mu[j], s = sd[j];
            Assert.InRange(col.Average(), m - 4 * s / Math.Sqrt(n), m + 4 * s / Math.Sqrt(n));
            Assert.InRange(Statistics.StandardDeviation(col), s * (1 - 4 / Math.Sqrt(2.0 * n)), s * (1 + 4 / Math.Sqrt(2.0 * n)));
        }
        Assert.Equal(d, PosteriorDraws.One(mu, sd, 7));
        Assert.NotEqual(d, PosteriorDraws.One(mu, sd, 8));
    }

    [Fact]
    public void DeterminationIsTheMeansShareOfThePopulationsVariance()
    {
        // Means spread along z1 only with variance 0.36; σ 0.8 along every dimension: ρ² = 0.36 / (0.36 + 0.64) along PC1.
        const int n = 4000;
        var rng = new Random(3);
        var z = new float[n * 3];
        var sd = new float[n * 3];
        for (int i = 0; i < n; i++)
        {
            z[3 * i] = (float)(0.6 * Math.Sqrt(3) * (2 * rng.NextDouble() - 1));   // uniform, variance 0.36
            z[3 * i + 1] = (float)(0.01 * (2 * rng.NextDouble() - 1));
            for (int j = 0; j < 3; j++) sd[3 * i + j] = 0.8f;
        }
        var pca = Pca.Fit(z, n, 3);
        var rho2 = LatentContent.Determination(pca, sd, n, 2);
        double v = pca.ExplainedVariance[0];
        Assert.InRange(v, 0.34, 0.38);
        Assert.Equal(v / (v + 0.64), rho2[0], 6);
        Assert.True(rho2[1] < 0.001);
        string? note = LatentContent.ShrinkageNote(rho2, [8.0]);
        Assert.NotNull(note);
        Assert.Contains($"weakly per particle (ρ² {rho2[0]:F2})", note);
        Assert.Contains("population (it spans 8.00 Å) understates the motion", note);
        Assert.Null(LatentContent.ShrinkageNote([0.9, 0.01], [8.0]));
        Assert.Null(LatentContent.ShrinkageNote(null, [8.0]));
    }

    [Fact]
    public void AnEmptyLatentIsSaidToBeEmpty()
    {
        string? note = LatentContent.EmptyNote(0.00003, 15, [0.003, 0.001]);
        Assert.NotNull(note);
        Assert.Contains("holds 0.000 nats per particle at epoch 15", note);
        Assert.Contains("PC1's traversal spans 0.00 Å", note);
        Assert.Null(LatentContent.EmptyNote(LatentContent.EmptyBelowNats, 15, [1.0]));
        Assert.Null(LatentContent.EmptyNote(0.009, 51, [0.4]));   // weak but real: r 0.20 at SNR 0.001
        Assert.Null(LatentContent.EmptyNote(0.3, 15, [6.2]));
        Assert.Null(LatentContent.EmptyNote(null, 15, [0.0]));
        // The analysed epoch's row, not the last one.
        var rows = new List<Dictionary<string, double>>
        {
            new() { ["epoch"] = 1, ["kl_latent"] = 0.5 },
            new() { ["epoch"] = 2, ["kl_latent"] = 0.001 },
        };
        Assert.Equal(0.5, LatentContent.KlAt(rows, 1));
        Assert.Equal(0.001, LatentContent.KlAt(rows, null));
        Assert.Equal(0.001, LatentContent.KlAt(rows, 7));
        Assert.Null(LatentContent.KlAt([], 1));
    }
}
