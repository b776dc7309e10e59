using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Imaging;

/// <summary>
/// CTF parameters of a batch as (B) tensors on one device, in the units <see cref="Ctf"/> computes with:
/// defocus and λ in Å, angles in radians, Cs in Å, B-factor in Å².
/// </summary>
public sealed class CtfBatch : IDisposable
{
    private CtfBatch(Tensor[] t)
    {
        DefocusU = t[0]; DefocusV = t[1]; DefocusAngleRad = t[2]; Wavelength = t[3]; SphericalAberrationA = t[4];
        AmplitudeContrast = t[5]; PhaseShiftRad = t[6]; BFactor = t[7]; Scale = t[8];
    }

    public Tensor DefocusU { get; }
    public Tensor DefocusV { get; }
    public Tensor DefocusAngleRad { get; }
    /// <summary>Relativistic electron wavelength λ = 12.2639/√(V + 0.97845e−6·V²) Å, V in volts.</summary>
    public Tensor Wavelength { get; }
    public Tensor SphericalAberrationA { get; }
    public Tensor AmplitudeContrast { get; }
    public Tensor PhaseShiftRad { get; }
    public Tensor BFactor { get; }
    public Tensor Scale { get; }

    /// <summary>Whether any image has a B-factor or a scale other than 1 (null: not known, look at the tensors).</summary>
    public bool? HasEnvelope { get; private init; }

    /// <summary>Batch size.</summary>
    public long Count => DefocusU.shape[0];

    /// <summary>λ in Å for an acceleration voltage in kV.</summary>
    public static double WavelengthA(double voltageKv)
    {
        double v = voltageKv * 1000;
        return 12.2639 / Math.Sqrt(v + 0.97845e-6 * v * v);
    }

    /// <summary>Builds the batch from per-particle parameters (computed in double, stored as <paramref name="dtype"/>).</summary>
    public static CtfBatch From(IReadOnlyList<CtfParameters> ctf, Device device, ScalarType dtype = ScalarType.Float32)
    {
        var cols = new double[9][];
        for (int j = 0; j < 9; j++) cols[j] = new double[ctf.Count];
        for (int i = 0; i < ctf.Count; i++)
        {
            CtfParameters c = ctf[i];
            cols[0][i] = c.DefocusU;
            cols[1][i] = c.DefocusV;
            cols[2][i] = Angles.ToRadians(c.DefocusAngleDeg);
            cols[3][i] = WavelengthA(c.VoltageKv);
            cols[4][i] = c.SphericalAberrationMm * 1e7;
            cols[5][i] = c.AmplitudeContrast;
            cols[6][i] = Angles.ToRadians(c.PhaseShiftDeg);
            cols[7][i] = c.BFactor;
            cols[8][i] = c.Scale;
        }
        var t = new Tensor[9];
        for (int j = 0; j < 9; j++)
        {
            using var host = tensor(cols[j]);
            t[j] = host.to(dtype, device).DetachFromDisposeScope();
        }
        return new CtfBatch(t) { HasEnvelope = ctf.Any(c => c.BFactor != 0 || c.Scale != 1) };
    }

    /// <summary>
    /// The rows <paramref name="indices"/> (B, int64, on the table's device) of a per-particle table made once by
    /// <see cref="From"/>: one gather on the device instead of building and uploading nine tensors per batch.
    /// </summary>
    public static CtfBatch Gather(CtfBatch table, Tensor indices)
    {
        var t = new Tensor[9];
        Tensor[] cols = [table.DefocusU, table.DefocusV, table.DefocusAngleRad, table.Wavelength, table.SphericalAberrationA,
                         table.AmplitudeContrast, table.PhaseShiftRad, table.BFactor, table.Scale];
        for (int j = 0; j < 9; j++) t[j] = cols[j].index_select(0, indices).DetachFromDisposeScope();
        return new CtfBatch(t) { HasEnvelope = table.HasEnvelope };
    }

    public void Dispose()
    {
        foreach (Tensor t in new[] { DefocusU, DefocusV, DefocusAngleRad, Wavelength, SphericalAberrationA, AmplitudeContrast, PhaseShiftRad, BFactor, Scale })
            t.Dispose();
    }
}

/// <summary>
/// The contrast transfer function in RELION/cryoDRGN form (docs/method.md §3.4):
/// df = ½(dfU + dfV + (dfU − dfV)·cos 2(α − dfAngle)), γ = 2π(−½·df·λ·s² + ¼·Cs·λ³·s⁴) − phase shift,
/// CTF = (√(1−w²)·sin γ − w·cos γ)·scale·exp(−B·s²/4).
/// </summary>
public static class Ctf
{
    /// <summary>CTF (B,N,N) on the centred frequency grid, dtype and device of the batch.</summary>
    public static Tensor Compute(CtfBatch ctf, ImageGrid grid)
    {
        using var scope = NewDisposeScope();
        var (kx, ky) = grid.FrequencyGrid(ctf.DefocusU.device, ctf.DefocusU.dtype);
        return Compute(ctf, kx, ky).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// CTF (B, rows, columns) on <see cref="FrequencyTables"/>' extended half-spectrum tables (rfft2's half plus, for
    /// even N, the Nyquist aliases; <see cref="FrequencyTables.Fold"/> once a filter is made from it): the function of
    /// <see cref="Compute(CtfBatch, ImageGrid)"/> at those frequencies, evaluated as sin(γ − asin w)·envelope with γ one small matmul of per-image coefficients
    /// against the grid's cached basis (<see cref="FrequencyTables"/>). No gradient (CTF parameters are data).
    /// </summary>
    public static Tensor ComputeHalf(CtfBatch ctf, ImageGrid grid, ScalarType? dtype = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        ScalarType dt = dtype ?? ctf.DefocusU.dtype;
        var tables = FrequencyTables.For(grid, ctf.DefocusU.device, dt);
        long b = ctf.Count;
        var (c, phase) = Coefficients(ctf);
        Tensor gamma = addmm(phase.to_type(dt).unsqueeze(0), tables.CtfBasis, c.to_type(dt).T, 1, 1);     // (pixels, B)
        var (rows, columns) = tables.Extended;
        Tensor value = gamma.T.sin().reshape(b, rows, columns);
        bool envelope = ctf.HasEnvelope ?? (ctf.BFactor.ne(Scalars.Of(0)).any().ToBoolean() || ctf.Scale.ne(Scalars.Of(1)).any().ToBoolean());
        if (envelope)
            value = value * (tables.S2 * ctf.BFactor.to_type(dt).mul(Scalars.Of(-0.25)).reshape(-1, 1, 1)).exp() * ctf.Scale.to_type(dt).reshape(-1, 1, 1);
        return value.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// γ − asin w = c0·s² + c1·(kx² − ky²) + c2·2kx·ky + c3·s⁴ + phase: c (B,4) and phase (B), from
    /// df = ½(dfU + dfV) + ½(dfU − dfV)·(cos 2α cos 2φ + sin 2α sin 2φ); √(1−w²)·sin γ − w·cos γ = sin(γ − asin w).
    /// </summary>
    private static (Tensor C, Tensor Phase) Coefficients(CtfBatch ctf)
    {
        Scalar h = Scalars.Of(0.5);
        Tensor lambda = ctf.Wavelength, half = ctf.DefocusU.add(ctf.DefocusV).mul(h), diff = ctf.DefocusU.sub(ctf.DefocusV).mul(h);
        Tensor a = lambda.mul(Scalars.Of(-Math.PI));                                       // −π·λ
        Tensor twoPhi = ctf.DefocusAngleRad.mul(Scalars.Of(2.0));
        Tensor c = stack([a * half, a * diff * twoPhi.cos(), a * diff * twoPhi.sin(), ctf.SphericalAberrationA * lambda.pow(Scalars.Of(3.0)) * Scalars.Of(0.5 * Math.PI)], 1);
        Tensor phase = ctf.PhaseShiftRad.neg() - ctf.AmplitudeContrast.asin();
        return (c, phase);
    }

    /// <summary>CTF (B,…) at arbitrary frequencies kx, ky (same shape, 1/Å).</summary>
    public static Tensor Compute(CtfBatch ctf, Tensor kx, Tensor ky)
    {
        using var scope = NewDisposeScope();
        long[] view = new long[] { -1 }.Concat(Enumerable.Repeat(1L, (int)kx.dim())).ToArray();
        Tensor P(Tensor t) => t.reshape(view);
        Tensor s2 = kx * kx + ky * ky;
        Tensor alpha = atan2(ky, kx);
        Tensor lambda = P(ctf.Wavelength);
        Tensor df = 0.5 * (P(ctf.DefocusU) + P(ctf.DefocusV) + (P(ctf.DefocusU) - P(ctf.DefocusV)) * (2 * (alpha - P(ctf.DefocusAngleRad))).cos());
        Tensor gamma = 2 * Math.PI * (-0.5 * df * lambda * s2 + 0.25 * P(ctf.SphericalAberrationA) * lambda.pow(3) * s2 * s2) - P(ctf.PhaseShiftRad);
        Tensor w = P(ctf.AmplitudeContrast);
        Tensor value = (1 - w * w).sqrt() * gamma.sin() - w * gamma.cos();
        Tensor envelope = (P(ctf.BFactor) * s2 * -0.25).exp() * P(ctf.Scale);
        return (value * envelope).MoveToOuterDisposeScope();
    }
}
