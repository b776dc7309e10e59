using CryoSphere.Training;

namespace CryoSphere.Tests.Training;

public class KlLatentChoiceTests
{
    private const int Side = 64;
    private static readonly double Disc = Math.PI * Side * Side / 4;

    [Fact]
    public void BelowTheLineTheWeightIsOneOverPixelsTimesCorrelation()
    {
        var m = new SignalEstimate.Measured(0.01, 0.05, Disc);
        double? beta = KlLatentChoice.Priced(m, Side);
        Assert.NotNull(beta);
        Assert.Equal(1 / (Disc * 0.05), beta!.Value, 12);
        // For the disc mask that is 1/(π·ρ̄) times the default 4/N², whatever the box.
        Assert.Equal(1 / (Math.PI * 0.05), beta.Value / KlLatentChoice.Default(Side), 9);
        Assert.Equal(4.0 / (Side * Side), KlLatentChoice.Default(Side), 15);
    }

    [Theory]
    [InlineData(0.1, 0.05)]                              // SNR at or above the line: the default's cheaper nat lets weak motions in
    [InlineData(EncoderInputChoice.ForcesFromSnr, 0.05)]
    [InlineData(double.NaN, 0.05)]                       // nothing measurable
    [InlineData(0.01, double.NaN)]
    [InlineData(0.01, 0.0)]                              // no correlation with the base structure: nothing to price from
    [InlineData(0.01, -0.02)]
    [InlineData(0.05, 0.5)]                              // priced below the default (ρ̄ > 1/π): the default stays
    public void ElseTheDefault(double snr, double rho) =>
        Assert.Null(KlLatentChoice.Priced(new SignalEstimate.Measured(snr, rho, Disc), Side));

    [Fact]
    public void TheLogSaysWhichAndWhy()
    {
        string priced = KlLatentChoice.Why(new SignalEstimate.Measured(0.01, 0.05, Disc), Side);
        Assert.Contains("= 1/(M·ρ̄), 6.4 × the default", priced);
        Assert.Contains("ρ̄ 0.05 over 3217 loss pixels", priced);
        string plain = KlLatentChoice.Why(new SignalEstimate.Measured(0.1, 0.15, Disc), Side);
        Assert.Contains("per nat = 4/N²", plain);
    }
}
