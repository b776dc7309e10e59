using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>
/// How much of a simulated motion a single image can reveal. For each image, the true structure family is
/// rendered on a grid of motion coordinates with the image's true pose, CTF and shift, and the grid point whose
/// clean image correlates best with the noisy image is the estimate. Pearson r between estimate and truth bounds
/// what an encoder that sees one image at a time can reach at that SNR (an oracle that knows everything except
/// the coordinate, and the noise).
/// </summary>
public static class InformationCeiling
{
    /// <summary>Grid values per coordinate when there is one motion coordinate (hinge angle, t).</summary>
    public const int Steps1D = 41;
    /// <summary>Grid values per coordinate with two or more coordinates (15 × 15 = 225 renders per image for two hinges).</summary>
    public const int StepsND = 15;
    /// <summary>Clean images rendered per batch (images × grid points).</summary>
    private const int RendersPerCall = 256;

    /// <summary>
    /// The ceiling over the first <paramref name="images"/> images of <paramref name="truth"/>, read one at a time.
    /// <paramref name="steps"/> overrides the grid values per coordinate (trajectories always use
    /// every frame; discrete --states their states).
    /// </summary>
    public static CeilingResult Compute(IGroundTruth truth, int images, int? steps = null,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        if (images < 1) throw new InputException($"--ceiling-images must be at least 1 (got {images})");
        using var ds = ParticleDataset.Open(truth.ParticlesPath, new ParticleOpenOptions { RequirePoses = true });
        if (ds.Count != truth.Coordinates.Count)
            throw new InputException(truth.Folder, $"{Path.GetFileName(truth.ParticlesPath)} has {ds.Count} particles but truth.csv {truth.Coordinates.Count}");
        int k = Math.Min(images, ds.Count), d = truth.Names.Count;

        var points = truth.Grid(steps ?? (d == 1 ? Steps1D : StepsND));
        int g = points.Length;
        int n = ds.BoxSize;
        var grid = new ImageGrid(n, ds.PixelSize);
        var s = truth.Base;
        using var candidates = new CandidateRenderer(tensor(points.SelectMany(p => truth.State(p)).ToArray(), [g, s.Count, 3]),
            tensor(s.Amplitudes), truth.Sigma, grid);
        var estimate = new double[d][];
        var truthCols = new double[d][];
        for (int c = 0; c < d; c++) { estimate[c] = new double[k]; truthCols[c] = truth.Coordinates.Columns[c][..k]; }
        // Several images per call (about RendersPerCall clean images): per-call overhead, not arithmetic, dominated
        // one image at a time.
        int per = Math.Max(1, RendersPerCall / g);
        var buf = new float[per * n * n];
        for (int i0 = 0; i0 < k; i0 += per)
        {
            ct.ThrowIfCancellationRequested();
            int b = Math.Min(per, k - i0);
            using var guard = NativeCallGuard.Enter();
            using var scope = NewDisposeScope();
            var rots = new float[b * 9];
            var shifts = new float[b * 2];
            for (int j = 0; j < b; j++)
            {
                ds.ReadImage(i0 + j, buf.AsSpan(j * n * n, n * n));
                var p = ds.Table.PoseOf(i0 + j);
                for (int q = 0; q < 9; q++) rots[9 * j + q] = (float)p.Rotation[q];
                shifts[2 * j] = (float)p.ShiftXA;
                shifts[2 * j + 1] = (float)p.ShiftYA;
            }
            // Image j's G candidates are rows j·G … j·G + G − 1.
            var img = tensor(buf.AsSpan(0, b * n * n).ToArray(), [b, 1, n, n]).expand(-1, g, -1, -1).reshape(b * g, n, n);
            var shift = tensor(shifts, [b, 2]).repeat_interleave(g, 0);
            using var ctf = ds.Table.Ctf is null ? null
                : CtfBatch.From(Enumerable.Range(i0, b).SelectMany(i => Enumerable.Repeat(ds.Table.Ctf[i], g)).ToArray(), CPU);
            var clean = ImageFormation.Apply(candidates.Project(tensor(rots, [b, 3, 3])), ctf, shift, grid);
            // The training loss's correlation, so the oracle scores images the way the model is scored.
            var (_, perImage) = Losses.Correlation(clean, img);
            var best = perImage.reshape(b, g).argmax(1).data<long>().ToArray();
            for (int j = 0; j < b; j++)
                for (int c = 0; c < d; c++) estimate[c][i0 + j] = points[best[j]][c];
            progress?.Report((i0 + b, k));
        }
        var r = Enumerable.Range(0, d).Select(c => Statistics.Pearson(estimate[c], truthCols[c])).ToArray();
        // Classification accuracy when the grid is the set of discrete states (trajectory frames, --states).
        double? accuracy = truth.DiscreteStates
            ? Enumerable.Range(0, k).Count(i => Enumerable.Range(0, d).All(c => estimate[c][i] == truthCols[c][i])) / (double)k
            : null;
        return new CeilingResult(truth.Names.ToArray(), k, g, r, accuracy, estimate, truthCols);
    }
}

/// <summary>The information ceiling of a simulation.</summary>
/// <param name="Coordinates">Names of the motion coordinates (truth.csv columns).</param>
/// <param name="Images">Images scored.</param>
/// <param name="GridPoints">Motion states rendered per image.</param>
/// <param name="R">Per coordinate, Pearson r between the best-fitting grid value and the truth.</param>
/// <param name="StateAccuracy">Fraction of images whose best state is exactly the true one, for discrete states (trajectory frames); else null.</param>
/// <param name="Estimates">Per coordinate, the estimate of each image.</param>
/// <param name="Truth">Per coordinate, the true value of each image.</param>
public sealed record CeilingResult(string[] Coordinates, int Images, int GridPoints, double[] R, double? StateAccuracy,
    double[][] Estimates, double[][] Truth);
