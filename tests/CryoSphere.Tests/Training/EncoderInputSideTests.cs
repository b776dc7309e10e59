using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

[Collection("torch-threads")]
public class EncoderInputSideTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Fact]
    public void ConfiguredSideWinsButIsCappedAtTheModelSide()
    {
        Assert.Equal(48, EncoderInputSide.Resolve(48, 64));
        Assert.Equal(64, EncoderInputSide.Resolve(100, 64));
        Assert.Equal(64, EncoderInputSide.Resolve(null, 64));
    }

    [Fact]
    public void RunConfigRecordsTheResolvedSideSoAResumeBuildsTheSameEncoder()
    {
        string dir = Path.Combine(TestData.TempDir("enc-side"), "r");
        // 32 px downsampled to 24 px: the default encoder side is the model's side, 24, and the config says so.
        Trainer.Run(data.Options(dir, 1) with { NpixDownsize = 24, EncoderNpix = null });
        var recorded = TrainConfigReader.Read(Path.Combine(dir, "config.yaml"));
        Assert.Equal(24, recorded.EncoderNpix);
        string dir2 = Path.Combine(TestData.TempDir("enc-side"), "r2");
        Trainer.Run(data.Options(dir2, 1) with { EncoderNpix = 16 });
        Assert.Equal(16, TrainConfigReader.Read(Path.Combine(dir2, "config.yaml")).EncoderNpix);
        var resumed = Trainer.Resume(dir2, o => o with { Epochs = 2 });
        Assert.Equal(2, resumed.EpochsDone);
    }
    [Fact]
    public void ARunOnForcesSizesTheEncoderToThreeValuesPerResidueResumesAndGivesLatents()
    {
        string dir = Path.Combine(TestData.TempDir("enc-forces"), "r");
        Trainer.Run(data.Options(dir, 1) with { EncoderInput = TrainOptions.EncoderInputForces });
        Assert.Equal(TrainOptions.EncoderInputForces, TrainConfigReader.ReadRecorded(Path.Combine(dir, "config.yaml")).EncoderInput);
        Assert.Equal(2, Trainer.Resume(dir, o => o with { Epochs = 2 }).EpochsDone);
        using var tr = CryoSphere.Analysis.TrainedRun.Open(dir);
        Assert.Equal(3 * tr.Setup.Structure.Count, tr.Vae.Encoder!.InputSize);
        // The latents of every particle, from the forces computed under the analysis' no-gradient mode: finite, and not all alike.
        float[] z = tr.LatentMeans();
        Assert.Equal(tr.ParticleCount * tr.LatentDim, z.Length);
        Assert.All(z, v => Assert.True(float.IsFinite(v)));
        Assert.True(z.Max() - z.Min() > 1e-4);
    }
}
