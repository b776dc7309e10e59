using CryoSphere.Analysis;
using CryoSphere.Model;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Training;

/// <summary>
/// The encoder reading the forces on their principal components (<c>encoder_forces_components</c>): the randomised
/// subspace against a full SVD, the projection inside the encoder, and a run that fits it, keeps it in its checkpoints
/// and resumes and analyses with it.
/// </summary>
[Collection("torch-threads")]
public class ForcesProjectionTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Fact]
    public void RandomisedSubspaceFindsTheComponentsAFullSvdFinds()
    {
        using var scope = NewDisposeScope();
        // Three directions of decreasing spread above isotropic noise, plus an offset: 600 rows × 90 columns.
        var gen = new Generator(7);
        long m = 600, d = 90;
        var dirs = linalg.qr(randn([d, 3], ScalarType.Float64, generator: gen)).Q.t();
        var amp = randn([m, 3], ScalarType.Float64, generator: gen) * tensor(new double[] { 6, 4, 2.5 });
        var x = (amp.matmul(dirs) + randn([m, d], ScalarType.Float64, generator: gen) + 3.0).to_type(ScalarType.Float32);
        var (mean, comps, spread) = PrincipalSubspace.Fit(x, 3, seed: 1);
        var xc = x.to_type(ScalarType.Float64) - x.to_type(ScalarType.Float64).mean([0]);
        var (_, sv, vh) = linalg.svd(xc, fullMatrices: false);
        Assert.True((mean.to_type(ScalarType.Float64) - x.to_type(ScalarType.Float64).mean([0])).abs().max().ToDouble() < 1e-4);
        for (int c = 0; c < 3; c++)
        {
            double cos = Math.Abs((comps[c].to_type(ScalarType.Float64) * vh[c]).sum().ToDouble());
            Assert.True(cos > 0.999, $"component {c}: |cos| with the full SVD's {cos}");
            double expected = sv[c].ToDouble() / Math.Sqrt(m - 1);
            Assert.True(Math.Abs(spread[c].ToDouble() - expected) < 1e-3 * expected, $"spread {c}: {spread[c].ToDouble()} vs {expected}");
        }
        // Orthonormal rows; the same seed gives the same components, whatever ran before.
        Assert.True((comps.matmul(comps.t()) - eye(3)).abs().max().ToDouble() < 1e-5);
        var (_, again, _) = PrincipalSubspace.Fit(x, 3, seed: 1);
        Assert.Equal(comps.data<float>().ToArray(), again.data<float>().ToArray());
    }

    [Fact]
    public void EncoderReadsItsInputProjectedOnTheComponents()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var enc = new Encoder(12, 2, [8], components: 3);
        var gen = new Generator(5);
        var mean = randn(12, generator: gen);
        var basis = linalg.qr(randn([12, 3], generator: gen)).Q.t().contiguous();
        var spread = tensor(new float[] { 2, 1, 0.5f });
        enc.SetProjection(mean, basis, spread);
        var x = randn([4, 12], generator: gen);
        var (mu, sigma) = enc.call(x);
        var v = enc.Network.call((x - mean).matmul(basis.t()) / spread);
        Assert.True((mu - v.narrow(1, 0, 2)).abs().max().ToDouble() < 1e-6);
        Assert.True((sigma - (nn.functional.elu(v.narrow(1, 2, 2), 1.0) + 1.0)).abs().max().ToDouble() < 1e-6);
        Assert.Throws<InputException>(() => new Encoder(12, 2, [8], components: 13));
    }

    [Fact]
    public void RunFitsTheProjectionKeepsItInItsCheckpointsAndResumesWithIt()
    {
        string dir = Path.Combine(TestData.TempDir("forces-pcs"), "r");
        var o = data.Options(dir, 1) with { EncoderInput = TrainOptions.EncoderInputForces, EncoderForcesComponents = 6 };
        Trainer.Run(o);
        string log = File.ReadAllText(Path.Combine(dir, "run.log"));
        Assert.Contains("encoder reads the forces on their 6 principal components, fitted from 160 particles", log);
        Assert.Contains("encoder_forces_components: 6", File.ReadAllText(Path.Combine(dir, "config.yaml")));
        float[] fitted;
        float[] z1;
        using (var tr = TrainedRun.Open(dir))
        {
            fitted = tr.Vae.Encoder!.ProjectionBasis()!;
            // The components of the training particles' forces, fitted again here from the same forces.
            using var scope = NewDisposeScope();
            var objective = new BatchObjective(tr.Setup, null, new CryoSphere.Imaging.PixelStatistics(tr.Meta.ImageMean, tr.Meta.ImageStd, 0));
            using var table = ForcesTable.Build(objective, tr.Setup, tr.Setup.Subset)!;
            var (_, comps, _) = PrincipalSubspace.Fit(table.Sample(table.Count), 6, o.Seed ?? 1);
            Assert.Equal(6 * 3 * tr.Setup.Structure.Count, fitted.Length);
            Assert.Equal(comps.data<float>().ToArray(), fitted);
            z1 = tr.LatentMeans();
        }
        // Resumed: the projection comes from the checkpoint, not refitted; the new epoch trains with it.
        var res = Trainer.Resume(dir, x => x with { Epochs = 2 });
        Assert.Equal(2, res.EpochsDone);
        Assert.Single(File.ReadAllLines(Path.Combine(dir, "run.log")), l => l.Contains("principal components", StringComparison.Ordinal));
        using (var tr = TrainedRun.Open(dir, epoch: 2))
            Assert.Equal(fitted, tr.Vae.Encoder!.ProjectionBasis()!);
        Assert.All(z1, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void NegativeComponentCountIsAnInputError()
    {
        var o = data.Options(Path.Combine(TestData.TempDir("forces-pcs-bad"), "r"), 1) with { EncoderInput = TrainOptions.EncoderInputForces, EncoderForcesComponents = -1 };
        var e = Assert.ThrowsAny<Exception>(() => Trainer.Run(o));
        Assert.Contains("encoder_forces_components", e.Message);
    }
}
