using CryoSphere.Geometry;
using CryoSphere.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Analysis;

/// <summary>A rigid transform about a centre: x' = R·(x − c) + c + t (Å, R row-major), and how well it fits.</summary>
public sealed record RigidTransform(double[] Rotation, double[] Translation, double[] Centre, double Correlation)
{
    /// <summary>Applies the transform to one point.</summary>
    public (double X, double Y, double Z) Apply(double x, double y, double z)
    {
        double[] d = Rotations.Apply(Rotation, [x - Centre[0], y - Centre[1], z - Centre[2]]);
        return (d[0] + Centre[0] + Translation[0], d[1] + Centre[1] + Translation[1], d[2] + Centre[2] + Translation[2]);
    }
}

/// <summary>
/// Rigid-body fit of a Cα Gaussian model into a cubic map, both in the box frame (voxel v at (v − ⌊N/2⌋)·apix).
/// Coarse to fine (<see cref="FitPyramid"/>): on the map blurred and cropped to a ~6 Å voxel, for each rotation of a
/// near-uniform SO(3) grid (<see cref="RotationGrid"/>, turned by a seeded random rotation) the model rendered about
/// its centroid is cross-correlated with the map over all translations at once (3-D FFT); the best few
/// (rotation, translation) pairs with distinct rotations are refined locally there by Adam on (rotation,
/// translation) maximising the real-space Pearson correlation of the rendered model with the map (autograd through
/// <see cref="VolumeRenderer"/>); the best of them is refined again on each finer level down to the map as given.
/// </summary>
public static class RigidFit
{
    public sealed record Options
    {
        /// <summary>Rotations tried in the global search (super-Fibonacci grid, turned by a seeded rotation).</summary>
        public int Rotations { get; init; } = 1500;
        /// <summary>Best global solutions (with rotations ≥ <see cref="CandidateSeparationDeg"/> apart) refined locally.</summary>
        public int Candidates { get; init; } = 6;
        public double CandidateSeparationDeg { get; init; } = 20;
        /// <summary>Refinement steps on the coarse level (each candidate) and on each finer level (the best one).</summary>
        public int RefineSteps { get; init; } = 40;
        public int FineSteps { get; init; } = 30;
        /// <summary>Voxel size (Å) of the global search; finer levels halve it down to the map's own.</summary>
        public double CoarseApix { get; init; } = 8;
        public double Sigma { get; init; } = 2.0;
        public int Seed { get; init; } = 1;
        /// <summary>Templates rendered and correlated per batch (bounds memory: B·R·N² floats).</summary>
        public int Batch { get; init; } = 16;
    }

    /// <summary>Fits coordinates (R·3, box frame, Å) with amplitudes into <paramref name="map"/> (n³, x fastest).</summary>
    public static RigidTransform Fit(float[] coords, float[] amplitudes, float[] map, int n, double apix, Options o)
    {
        int r = amplitudes.Length;
        var c = new double[3];
        for (int i = 0; i < r; i++) for (int k = 0; k < 3; k++) c[k] += coords[3 * i + k] / (double)r;
        var centred = new float[coords.Length];
        for (int i = 0; i < r; i++) for (int k = 0; k < 3; k++) centred[3 * i + k] = (float)(coords[3 * i + k] - c[k]);
        var grid = new ImageGrid(n, apix);

        using var guard = NativeCallGuard.Enter(512L << 20);
        using var scope = NewDisposeScope();
        Tensor y = tensor(centred, [r, 3]);
        Tensor amps = tensor(amplitudes);
        Tensor m = tensor(map, [n, n, n]);
        m = (m - m.mean()) / m.std().clamp_min(1e-30);

        var coarse = FitPyramid.At(m, apix, o.Sigma, o.CoarseApix);

        var candidates = GlobalSearch(y, amps, coarse, o);
        // Rotation step ~1° (q = (1, v): angle ≈ 2|v|) and 0.2 voxel at first on the coarse level; a quarter of that finer.
        var refined = candidates.Select(cand => Refine(y, amps, coarse, cand.Rotation, cand.Position, o.RefineSteps, 0.01, 0.2)).ToList();
        var (rot, pos, corr) = refined.MaxBy(t => t.Correlation);
        for (double a = coarse.Grid.Apix / 2; a > apix * 1.01; a /= 2)
            (rot, pos, corr) = Refine(y, amps, FitPyramid.At(m, apix, o.Sigma, a), rot, pos, o.FineSteps, 0.003, 0.1);
        if (coarse.Grid.N != n)
            (rot, pos, corr) = Refine(y, amps, new FitPyramid.Level(m, grid, o.Sigma), rot, pos, o.FineSteps, 0.003, 0.1);
        return new RigidTransform(rot, [pos[0] - c[0], pos[1] - c[1], pos[2] - c[2]], c, corr);
    }

    /// <summary>Pearson correlation of the model rendered at <paramref name="coords"/> (box frame) with the map.</summary>
    public static double Correlation(float[] coords, float[] amplitudes, float[] map, int n, double apix, double sigma)
    {
        using var guard = NativeCallGuard.Enter(256L << 20);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor v = VolumeRenderer.Render(tensor(coords, [amplitudes.Length, 3]), tensor(amplitudes), sigma, new ImageGrid(n, apix));
        return Pearson(v, tensor(map, [n, n, n])).ToDouble();
    }

    // Best (rotation, centroid position in Å) pairs: cross-correlation of the map with each rotated template.
    private static List<(double[] Rotation, double[] Position)> GlobalSearch(Tensor y, Tensor amps, FitPyramid.Level level, Options o)
    {
        var (m, grid) = (level.Map, level.Grid);
        int n = grid.N;
        long[] dims = { 1, 2, 3 };
        // The identity first (a model that is already fitted stays a candidate), then the grid turned by a seeded rotation.
        double[] turn = Rotations.UniformRandom(new Random(o.Seed));
        var rotations = new List<double[]> { Rotations.Identity() };
        rotations.AddRange(RotationGrid.SuperFibonacci(Math.Max(1, o.Rotations - 1)).Select(g => Rotations.Multiply(g, turn)));
        var scores = new List<(double Score, int Index, double[] Position)>();
        using var noGrad = no_grad();
        Tensor fm = fft.rfftn(m, dim: new long[] { 0, 1, 2 }).unsqueeze(0);
        for (int start = 0; start < rotations.Count; start += o.Batch)
        {
            using var scope = NewDisposeScope();
            int b = Math.Min(o.Batch, rotations.Count - start);
            var flat = new float[9 * b];
            for (int j = 0; j < b; j++) for (int k = 0; k < 9; k++) flat[9 * j + k] = (float)rotations[start + j][k];
            Tensor rot = tensor(flat, [b, 3, 3]);
            Tensor t = RenderBatch(matmul(y, rot.transpose(1, 2)), amps, level.Sigma, grid);   // (B,n,n,n), centroid at voxel ⌊n/2⌋
            t = t - t.mean(dims, keepdim: true);
            t = t / t.square().sum(dims, keepdim: true).sqrt().clamp_min(1e-30);
            // cc[τ] = Σ_v m(v)·t(v − τ): the template moved by τ voxels.
            Tensor cc = fft.irfftn(fm * fft.rfftn(t, dim: dims).conj(), s: new long[] { n, n, n }, dim: dims).reshape(b, -1);
            var (best, arg) = cc.max(1);
            double[] bv = best.to_type(ScalarType.Float64).data<double>().ToArray();
            long[] av = arg.data<long>().ToArray();
            for (int j = 0; j < b; j++)
            {
                long a = av[j];
                long[] tau = { a % n, a / n % n, a / ((long)n * n) };   // x, y, z (x fastest)
                // The template's centroid sits at voxel ⌊n/2⌋, i.e. at 0 Å; a cyclic shift τ moves it to τ (wrapped).
                double[] pos = tau.Select(v => (v >= (n + 1) / 2 ? v - n : v) * grid.Apix).ToArray();
                scores.Add((bv[j], start + j, pos));
            }
        }
        // Neighbouring grid rotations of one solution fill the top of the list; keep only distinct rotations.
        var picked = new List<(double[] Rotation, double[] Position)>();
        double minAngle = o.CandidateSeparationDeg * Math.PI / 180;
        foreach (var sc in scores.OrderByDescending(s => s.Score))
        {
            if (picked.Count >= o.Candidates) break;
            if (picked.All(p => RotationGrid.Angle(p.Rotation, rotations[sc.Index]) >= minAngle)) picked.Add((rotations[sc.Index], sc.Position));
        }
        return picked;
    }

    // Local refinement: R = R(q)·R0 with q = (1, v) normalised (smooth at v = 0), centroid at p0 + u. Adam, cosine-decayed.
    private static (double[] Rotation, double[] Position, double Correlation) Refine(Tensor y, Tensor amps, FitPyramid.Level level, double[] r0, double[] p0,
        int steps, double lrRotation, double lrVoxels)
    {
        var (m, grid) = (level.Map, level.Grid);
        var p = new double[6];
        var mom = new double[6];
        var vel = new double[6];
        // Per-parameter step scale at the start (Adam's steps are about lr whatever the gradient's size).
        double[] lr = { lrRotation, lrRotation, lrRotation, lrVoxels * grid.Apix, lrVoxels * grid.Apix, lrVoxels * grid.Apix };
        Tensor rot0 = tensor(r0.Select(v => (float)v).ToArray(), [3, 3]);
        Tensor pos0 = tensor(p0.Select(v => (float)v).ToArray(), [1, 3]);
        double corr = double.NegativeInfinity;
        for (int step = 0; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            Tensor q = tensor(p.Take(3).Select(v => (float)v).ToArray()).requires_grad_(true);
            Tensor u = tensor(p.Skip(3).Select(v => (float)v).ToArray()).requires_grad_(true);
            Tensor rq = Rotations.FromQuaternions(cat(new[] { ones(1), q }));
            Tensor x = matmul(y, matmul(rq, rot0).t()) + pos0 + u;
            Tensor score = Pearson(VolumeRenderer.Render(x, amps, level.Sigma, grid), m);
            corr = score.ToDouble();
            if (step == steps) break;
            (-score).backward();
            double[] g = q.grad!.data<float>().ToArray().Concat(u.grad!.data<float>().ToArray()).Select(v => (double)v).ToArray();
            double decay = 0.5 * (1 + Math.Cos(Math.PI * step / steps));
            for (int k = 0; k < 6; k++)
            {
                mom[k] = 0.9 * mom[k] + 0.1 * g[k];
                vel[k] = 0.999 * vel[k] + 0.001 * g[k] * g[k];
                double mh = mom[k] / (1 - Math.Pow(0.9, step + 1)), vh = vel[k] / (1 - Math.Pow(0.999, step + 1));
                p[k] -= lr[k] * decay * mh / (Math.Sqrt(vh) + 1e-12);
            }
        }
        double[] rq1 = Rotations.FromQuaternion(1, p[0], p[1], p[2]);
        return (Rotations.Multiply(rq1, r0), [p0[0] + p[3], p0[1] + p[4], p0[2] + p[5]], corr);
    }

    // Templates (B,R,3) → volumes (B,n,n,n) indexed [z,y,x]: Σ_r pz ⊗ py ⊗ px as one batched matmul.
    private static Tensor RenderBatch(Tensor coords, Tensor amps, double sigma, ImageGrid grid)
    {
        int n = grid.N;
        long b = coords.shape[0], r = coords.shape[1];
        Tensor g = grid.Coordinates(coords.device, coords.dtype);
        double inv2s2 = 1.0 / (2 * sigma * sigma);
        Tensor T(int axis) { Tensor d = coords.select(2, axis).unsqueeze(-1) - g; return (d * d * -inv2s2).clamp_min(-30).exp(); }
        Tensor px = T(0), py = T(1), pz = T(2) * amps.reshape(1, r, 1);
        Tensor yx = (py.unsqueeze(3) * px.unsqueeze(2)).reshape(b, r, (long)n * n);
        return bmm(pz.transpose(1, 2), yx).reshape(b, n, n, n);
    }

    private static Tensor Pearson(Tensor a, Tensor b)
    {
        Tensor x = a - a.mean(), z = b - b.mean();
        return (x * z).sum() / ((x * x).sum() * (z * z).sum()).sqrt().clamp_min(1e-30);
    }
}
