using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

[Collection("torch-threads")]
public class EncoderInputSideTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Theory]
    [InlineData(64, 2.0, 32)]   // 128 Å box at 4 Å/px
    [InlineData(96, 1.5, 36)]   // 144 Å box
    [InlineData(128, 2.0, 64)]  // 256 Å box
    [InlineData(256, 1.0, 64)]
    [InlineData(64, 1.5, 32)]   // 96 Å at 4 Å/px would be 24: kept at the 32 px floor
    [InlineData(24, 4.0, 24)]   // never above the model's side
    [InlineData(100, 3.0, 76)]  // 300 Å / 4 = 75 → the nearest even side
    public void DefaultSideIsAboutFourAngstromPerPixel(int side, double apix, int expected) =>
        Assert.Equal(expected, EncoderInputSide.Default(side, apix));

    [Fact]
    public void ConfiguredSideWinsButIsCappedAtTheModelSide()
    {
        Assert.Equal(48, EncoderInputSide.Resolve(48, 64, 2.0));
        Assert.Equal(64, EncoderInputSide.Resolve(100, 64, 2.0));
        Assert.Equal(32, EncoderInputSide.Resolve(null, 64, 2.0));
    }

    [Fact]
    public void RunConfigRecordsTheResolvedSideSoAResumeBuildsTheSameEncoder()
    {
        string dir = Path.Combine(TestData.TempDir("enc-side"), "r");
        // 32 px at 4 Å/px downsampled to 24 px: 5.3 Å/px, so the default keeps all 24 pixels.
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
