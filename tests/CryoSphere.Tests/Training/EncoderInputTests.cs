using CryoSphere.Imaging;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Tests.Training;

/// <summary>The encoder's input against the centred recipe written out with the full, centred transforms.</summary>
public class EncoderInputTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    [Fact]
    public void CentredPhaseFlippedAndMaskedAsTheCentredRecipe()
    {
        using var scope = NewDisposeScope();
        using var setup = TrainingSetup.Create(data.Options(TestData.TempDir("enc-input"), 1), needImages: false);
        setup.UseEncoderSide(setup.Grid.N);
        var grid = setup.Grid;
        Assert.Equal(0, grid.N % 2);   // even: the half spectrum has Nyquist aliases to fold
        var objective = new BatchObjective(setup, null, new PixelStatistics(0, 1, 0));
        manual_seed(4);
        Tensor images = randn(2, grid.N, grid.N);
        Tensor shifts = tensor(new float[] { 1.3f, -2.2f, -0.4f, 3.1f }).reshape(2, 2);
        using var ctf = CtfBatch.From(new[] { new CtfParameters(9000, 8000, 40, 300, 2.7, 0.1), new CtfParameters(20000, 21000, -70, 200, 2.0, 0.07) }, CPU, ScalarType.Float32);
        Tensor got = objective.EncoderInput(images, shifts, ctf);
        // Moved by +shift (the particle sits at −shift), phase-flipped by the CTF's sign, masked.
        Tensor spectrum = Fourier.Fft2Centered(images) * Ctf.Compute(ctf, grid).sign();
        Tensor expected = Fourier.Ifft2CenteredReal(Fourier.PhaseShift(spectrum, shifts.neg(), grid)) * setup.InputMask!;
        Assert.True((got - expected).abs().max().ToDouble() < 1e-4 * expected.abs().max().ToDouble(),
            $"max diff {(got - expected).abs().max().ToDouble()}");
    }
}
