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
}
