using CryoSphere.Geometry;
using CryoSphere.Imaging;
using CryoSphere.Model;
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
        using var setup = TrainingSetup.Create(data.Options(TestData.TempDir("enc-input"), 1) with { EncoderInput = TrainOptions.EncoderInputImage }, needImages: false);
        setup.UseEncoderSide(setup.Grid.N);
        var grid = setup.Grid;
        Assert.Equal(0, grid.N % 2);   // even: the half spectrum has Nyquist aliases to fold
        var objective = new BatchObjective(setup, null, new PixelStatistics(0, 1, 0));
        manual_seed(4);
        Tensor images = randn(2, grid.N, grid.N);
        Tensor shifts = tensor(new float[] { 1.3f, -2.2f, -0.4f, 3.1f }).reshape(2, 2);
        using var ctf = CtfBatch.From(new[] { new CtfParameters(9000, 8000, 40, 300, 2.7, 0.1), new CtfParameters(20000, 21000, -70, 200, 2.0, 0.07) }, CPU, ScalarType.Float32);
        Tensor got = objective.EncoderInput(images, eye(3).expand(2, 3, 3), shifts, ctf);
        // Moved by +shift (the particle sits at −shift), phase-flipped by the CTF's sign, masked.
        Tensor spectrum = Fourier.Fft2Centered(images) * Ctf.Compute(ctf, grid).sign();
        Tensor expected = Fourier.Ifft2CenteredReal(Fourier.PhaseShift(spectrum, shifts.neg(), grid)) * setup.InputMask!;
        Assert.True((got - expected).abs().max().ToDouble() < 1e-4 * expected.abs().max().ToDouble(),
            $"max diff {(got - expected).abs().max().ToDouble()}");
    }

    [Fact]
    public void WithUndoPsiTheCentredFlippedImageIsTurnedBackByPsiBeforeTheMask()
    {
        using var scope = NewDisposeScope();
        using var setup = TrainingSetup.Create(data.Options(TestData.TempDir("enc-input-psi"), 1) with { EncoderInput = TrainOptions.EncoderInputImage, EncoderUndoPsi = true }, needImages: false);
        setup.UseEncoderSide(setup.Grid.N);
        var grid = setup.Grid;
        var objective = new BatchObjective(setup, null, new PixelStatistics(0, 1, 0));
        manual_seed(5);
        Tensor images = randn(2, grid.N, grid.N);
        Tensor shifts = tensor(new float[] { 0.7f, -1.2f, 2.4f, 0.3f }).reshape(2, 2);
        // ψ 0.6 and −2.1 rad: Rz(ψ)·Ry(θ)·Rz(φ).
        var r = Rotations.Multiply(Rotations.Rz(0.6), Rotations.Multiply(Rotations.Ry(1.0), Rotations.Rz(0.2)))
            .Concat(Rotations.Multiply(Rotations.Rz(-2.1), Rotations.Multiply(Rotations.Ry(2.0), Rotations.Rz(-1.3)))).ToArray();
        Tensor rotations = tensor(r, [2, 3, 3]).to_type(ScalarType.Float32);
        using var ctf = CtfBatch.From(new[] { new CtfParameters(9000, 8000, 40, 300, 2.7, 0.1), new CtfParameters(20000, 21000, -70, 200, 2.0, 0.07) }, CPU, ScalarType.Float32);
        Tensor got = objective.EncoderInput(images, rotations, shifts, ctf);
        Tensor spectrum = Fourier.Fft2Centered(images) * Ctf.Compute(ctf, grid).sign();
        Tensor centred = Fourier.Ifft2CenteredReal(Fourier.PhaseShift(spectrum, shifts.neg(), grid));
        Tensor expected = InPlaneRotation.TurnBack(centred, tensor(new float[] { 0.6f, -2.1f })) * setup.InputMask!;
        Assert.True((got - expected).abs().max().ToDouble() < 1e-4 * expected.abs().max().ToDouble(),
            $"max diff {(got - expected).abs().max().ToDouble()}");
        // Not the input without the turn: the option changes what the encoder sees.
        Tensor unturned = centred * setup.InputMask!;
        Assert.True((got - unturned).abs().max().ToDouble() > 0.1 * expected.abs().max().ToDouble());
    }
    [Fact]
    public void WithSubtractBaseTheEncoderSeesTheImageLessItsLeastSquaresFitByTheBaseStructure()
    {
        using var scope = NewDisposeScope();
        using var setup = TrainingSetup.Create(data.Options(TestData.TempDir("enc-input-base"), 1) with { EncoderInput = TrainOptions.EncoderInputImage, EncoderSubtractBase = true }, needImages: false);
        setup.UseEncoderSide(setup.Grid.N);
        var grid = setup.Grid;
        var objective = new BatchObjective(setup, null, new PixelStatistics(0, 1, 0));
        var r = Rotations.Multiply(Rotations.Rz(0.4), Rotations.Multiply(Rotations.Ry(1.1), Rotations.Rz(-0.3)))
            .Concat(Rotations.Multiply(Rotations.Rz(-1.7), Rotations.Multiply(Rotations.Ry(2.3), Rotations.Rz(0.9)))).ToArray();
        Tensor rotations = tensor(r, [2, 3, 3]).to_type(ScalarType.Float32);
        Tensor shifts = tensor(new float[] { 1.1f, -0.6f, -2.0f, 1.4f }).reshape(2, 2);
        using var ctf = CtfBatch.From(new[] { new CtfParameters(12000, 11000, 10, 300, 2.7, 0.1), new CtfParameters(18000, 18500, -50, 300, 2.7, 0.1) }, CPU, ScalarType.Float32);
        // The base structure as the method sees it in these poses (the dashboard's prediction path).
        Tensor baseCoords = setup.BaseCoords.unsqueeze(0).expand(2, -1, -1);
        var (_, basePred) = objective.TargetAndPrediction(zeros(2, grid.N, grid.N), rotations, shifts, ctf, baseCoords);
        Tensor clean = basePred * tensor(new float[] { 2.5f, -0.8f }).reshape(2, 1, 1) + tensor(new float[] { 0.7f, -0.3f }).reshape(2, 1, 1);
        Tensor Recipe(Tensor x) => Fourier.Ifft2CenteredReal(Fourier.PhaseShift(Fourier.Fft2Centered(x) * Ctf.Compute(ctf, grid).sign(), shifts.neg(), grid)) * setup.InputMask!;

        // Exactly the base structure with a gain and an offset: nothing is left for the encoder.
        Tensor none = objective.EncoderInput(clean, rotations, shifts, ctf);
        Assert.True(none.abs().max().ToDouble() < 1e-4 * Recipe(clean).abs().max().ToDouble(), $"left {none.abs().max().ToDouble()}");

        // With noise: the recipe applied to the image less its least-squares fit (gain and offset by the normal equations, in double).
        manual_seed(6);
        Tensor images = clean + randn(2, grid.N, grid.N);
        Tensor got = objective.EncoderInput(images, rotations, shifts, ctf);
        var residual = new List<Tensor>();
        for (int i = 0; i < 2; i++)
        {
            Tensor x = basePred[i].to_type(ScalarType.Float64).flatten(), y = images[i].to_type(ScalarType.Float64).flatten();
            Tensor design = stack([x, ones_like(x)], 1);
            Tensor coef = linalg.lstsq(design, y.unsqueeze(1)).Solution;
            residual.Add((y - design.matmul(coef).squeeze(1)).reshape(grid.N, grid.N).to_type(ScalarType.Float32));
        }
        Tensor expected = Recipe(stack(residual));
        Assert.True((got - expected).abs().max().ToDouble() < 1e-3 * expected.abs().max().ToDouble(),
            $"max diff {(got - expected).abs().max().ToDouble()}");
        // Not the input without the subtraction.
        Assert.True((got - Recipe(images)).abs().max().ToDouble() > 0.1 * expected.abs().max().ToDouble());
    }
    [Fact]
    public void ForcesAreTheCorrelationsGradientInTheMoleculesFrameByFiniteDifferencesScaledPerParticle()
    {
        using var scope = NewDisposeScope();
        using var setup = TrainingSetup.Create(data.Options(TestData.TempDir("enc-input-forces"), 1) with { EncoderInput = TrainOptions.EncoderInputForces }, needImages: false);
        var grid = setup.Grid;
        var objective = new BatchObjective(setup, null, new PixelStatistics(0, 1, 0));
        var r = Rotations.Multiply(Rotations.Rz(0.8), Rotations.Multiply(Rotations.Ry(0.7), Rotations.Rz(-1.2)))
            .Concat(Rotations.Multiply(Rotations.Rz(-0.5), Rotations.Multiply(Rotations.Ry(2.6), Rotations.Rz(2.0)))).ToArray();
        Tensor rotations = tensor(r, [2, 3, 3]).to_type(ScalarType.Float32);
        Tensor shifts = tensor(new float[] { 0.9f, -1.3f, 1.6f, 0.4f }).reshape(2, 2);
        using var ctf = CtfBatch.From(new[] { new CtfParameters(12000, 11000, 10, 300, 2.7, 0.1), new CtfParameters(18000, 18500, -50, 300, 2.7, 0.1) }, CPU, ScalarType.Float32);
        Tensor baseCoords = setup.BaseCoords.unsqueeze(0).expand(2, -1, -1);
        // Images: the base structure in another conformation (the LID pushed 3 Å along x) plus noise, so the pull is systematic.
        Tensor moved = baseCoords.clone();
        moved.narrow(1, 121, 38).select(2, 0).add_(3.0);
        var (_, clean) = objective.TargetAndPrediction(zeros(2, grid.N, grid.N), rotations, shifts, ctf, moved);
        manual_seed(8);
        Tensor images = clean + 0.1 * clean.std() * randn(2, grid.N, grid.N);

        Tensor got = objective.EncoderInput(images, rotations, shifts, ctf);
        int values = 3 * (int)setup.BaseCoords.shape[0];
        Assert.Equal(new long[] { 2, values }, got.shape);

        // Central differences of each particle's correlation in every 7th base coordinate (x, y and z of residues all
        // along the chain; molecule frame, before the pose), against the input up to the particle's one scale.
        const double h = 0.05;
        int[] picked = Enumerable.Range(0, values).Where(k => k % 7 == 3).ToArray();
        var fd = new double[2][];
        for (int i = 0; i < 2; i++) fd[i] = new double[picked.Length];
        for (int j = 0; j < picked.Length; j++)
        {
            double[] Corr(double step)
            {
                Tensor c = baseCoords.clone();
                c.view(2, -1).select(1, picked[j]).add_(step);
                var (target, pred) = objective.TargetAndPrediction(images, rotations, shifts, ctf, c);
                return Losses.Correlation(pred, target, setup.LossMask).PerImage.to_type(ScalarType.Float64).data<double>().ToArray();
            }
            double[] plus = Corr(h), minus = Corr(-h);
            for (int i = 0; i < 2; i++) fd[i][j] = (plus[i] - minus[i]) / (2 * h);
        }
        for (int i = 0; i < 2; i++)
        {
            double[] all = got[i].to_type(ScalarType.Float64).data<double>().ToArray();
            Assert.Equal(1.0, Math.Sqrt(all.Sum(v => v * v) / values), 4);   // unit RMS per particle
            double[] g = picked.Select(k => all[k]).ToArray(), d = fd[i];
            double scale = g.Zip(d, (a, b) => a * b).Sum() / d.Sum(v => v * v);
            Assert.True(scale > 0, $"particle {i}: the input points against the gradient");
            double rel = Math.Sqrt(g.Zip(d, (a, b) => (a - scale * b) * (a - scale * b)).Sum() / g.Sum(v => v * v));
            Assert.True(rel < 0.03, $"particle {i}: relative difference from the finite differences {rel:F4}");
        }
    }
}
