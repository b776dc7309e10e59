using System.Text.Json;
using CryoSphere.IO;

namespace CryoSphere.Tests.Simulation;

public class SnrConventionTests
{
    private static readonly string Ake = TestData.Structure("1ake.pdb");

    private static string Simulate(params string[] extra)
    {
        string dir = TestData.TempDir("snr");
        var r = CliRunner.Run(["simulate", "--structure", Ake, "--chains", "A", "--select", "A:122-159", "--axis", "A:118,A:167",
            "--npix", "32", "--apix", "3", "--n-images", "120", "--seed", "4", "--out", dir, .. extra]);
        Assert.True(r.ExitCode == 0, r.Err);
        return dir;
    }

    private static JsonElement Result(string dir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "simulation.json"))).RootElement.GetProperty("result");

    /// <summary>
    /// Signal and noise variances measured from the written stacks: the noise is the noisy image minus the clean one
    /// of the same seed (poses and CTFs come from one generator, the noise from another).
    /// </summary>
    private static double MeasuredImageSnr(string noisy, string clean)
    {
        using var a = MrcStack.Open(Path.Combine(noisy, "particles.mrcs"));
        using var b = MrcStack.Open(Path.Combine(clean, "particles.mrcs"));
        var x = new float[32 * 32];
        var c = new float[32 * 32];
        double sigImg = 0, noiseImg = 0;
        for (int i = 0; i < a.Count; i++)
        {
            a.ReadImage(i, x);
            b.ReadImage(i, c);
            sigImg += Variance(c);
            noiseImg += Variance(x.Select((v, k) => v - c[k]).ToArray());
        }
        return sigImg / noiseImg;
    }

    private static double Variance(float[] v)
    {
        double m = v.Average(x => (double)x);
        return v.Average(x => (x - m) * (x - m));
    }

    [Theory]
    [InlineData("particle")]
    [InlineData("image")]
    public void RealisedSnrInTheChosenConventionIsWithinTenPercent(string convention)
    {
        string dir = Simulate("--snr", "0.05", "--snr-convention", convention);
        var res = Result(dir);
        double chosen = res.GetProperty("RealisedSnr").GetDouble();
        Assert.InRange(chosen / 0.05, 0.9, 1.1);
        double particle = res.GetProperty("RealisedSnrParticle").GetDouble(), image = res.GetProperty("RealisedSnrImage").GetDouble();
        Assert.Equal(convention == "image" ? image : particle, chosen, 12);
        // The disc holds the particle, so its signal variance is larger than the whole image's.
        Assert.True(particle > image, $"particle {particle} vs image {image}");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "simulation.json")));
        Assert.Equal(convention, doc.RootElement.GetProperty("options").GetProperty("SnrConvention").GetString());
    }

    [Fact]
    public void WholeImageSnrMatchesTheStacksAndImageConventionAddsLessNoise()
    {
        string clean = Simulate("--no-noise");
        string image = Simulate("--snr", "0.05", "--snr-convention", "image");
        string particle = Simulate("--snr", "0.05");
        double measured = MeasuredImageSnr(image, clean);
        Assert.InRange(measured / 0.05, 0.9, 1.1);
        Assert.Equal(Result(image).GetProperty("RealisedSnrImage").GetDouble(), measured, measured * 1e-3);
        double sdImage = Result(image).GetProperty("NoiseSigma").GetDouble(), sdParticle = Result(particle).GetProperty("NoiseSigma").GetDouble();
        Assert.True(sdImage < sdParticle, $"noise sd {sdImage} (image) vs {sdParticle} (particle)");
        // Same noise draws scaled differently: the noise ratio is the signal-variance ratio's square root.
        double measuredParticleRun = MeasuredImageSnr(particle, clean);
        Assert.Equal(sdParticle / sdImage, Math.Sqrt(measured / measuredParticleRun), 1e-2);
    }

    [Fact]
    public void UnknownConventionIsOneLine()
    {
        string dir = TestData.TempDir("snr");
        var r = CliRunner.Run("simulate", "--structure", Ake, "--select", "A:122-159", "--snr-convention", "pixel", "--n-images", "2", "--out", dir);
        CliRunner.AssertOneLineError(r, "--snr-convention");
        Assert.False(File.Exists(Path.Combine(dir, "base.pdb")));
    }
}
