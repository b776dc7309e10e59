using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Model;

/// <summary>
/// The rotation part of <see cref="Deformation"/> on the CPU as one autograd node: per (image, residue) the K segment
/// quaternions q_k = (cos h_k, sin h_k·a_k), h_k = ½·G[b,r,k]·δ_k, are multiplied in order (later on the left) and the
/// product rotates the base position, all in registers; the backward runs the chain back with the hand-written gradient.
/// The libtorch formulation (quaternion tree) made some 120 small tensor operations forward and twice that many backward,
/// each with its own allocation and dispatch: at B 64, R 428, K 6 forward + backward cost 16–18 CPU-ms
/// (bench deformation), most of it per-operation overhead (bench/README.md, fifth round).
/// </summary>
/// <remarks>
/// Gradient of x′ = x + w·t + v × t, t = 2·v × x, for Q = (w, v) and upstream g:
/// ∂w = g·t; with g_t = w·g + g × v: ∂v = t × g + 2·x × g_t and ∂x = g + 2·g_t × v (exact for any Q, unit or not).
/// Through Q = L_k ⊗ q_k ⊗ P_k (L_k the later factors, P_k the earlier ones): ∂q_k = conj(L_k) ⊗ ∂Q ⊗ conj(P_k), since
/// the Hamilton product's left and right matrices transpose to those of the conjugate.
/// Sines and cosines come from libtorch's vectorised kernels; the chain runs in double precision.
/// </remarks>
internal sealed class RotationChain : torch.autograd.SingleTensorFunction<RotationChain>
{
    public override string Name => "RotationChain";

    /// <summary>Whether the kernel takes these tensors (else the quaternion tree does): CPU, float32/float64, one dtype.</summary>
    public static bool Applies(Tensor baseCoords, Tensor g, Tensor axes, Tensor angles)
    {
        ScalarType t = g.dtype;
        if (t != ScalarType.Float32 && t != ScalarType.Float64) return false;
        foreach (Tensor x in (ReadOnlySpan<Tensor>)[baseCoords, g, axes, angles])
            if (x.device_type != DeviceType.CPU || x.dtype != t) return false;
        return true;
    }

    /// <summary>Rotated base coordinates (B,R,3), no translation.</summary>
    public static Tensor Rotate(Tensor baseCoords, Tensor g, Tensor axes, Tensor angles) => apply(baseCoords, g, axes, angles);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        Tensor x = (Tensor)vars[0], g = (Tensor)vars[1], axes = (Tensor)vars[2], angles = (Tensor)vars[3];
        using var noGrad = no_grad();
        Tensor xc = x.detach().contiguous(), gc = g.detach().contiguous(), ac = axes.detach().contiguous(), dc = angles.detach().contiguous();
        Tensor half = gc * dc.unsqueeze(1).mul(Scalars.Of(0.5));   // (B,R,K)
        Tensor c = half.cos(), s = half.sin();
        long b = gc.shape[0], r = gc.shape[1], k = gc.shape[2];
        Tensor y = empty([b, r, 3], g.dtype, g.device);
        if (g.dtype == ScalarType.Float32) Forward<float>(b, r, k, xc, c, s, ac, y);
        else Forward<double>(b, r, k, xc, c, s, ac, y);
        ctx.save_for_backward([xc, gc, ac, dc, c, s]);
        ctx.save_data("needsX", x.requires_grad);
        return y;
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        Tensor x = saved[0], g = saved[1], axes = saved[2], angles = saved[3], c = saved[4], s = saved[5];
        bool needsX = (bool)ctx.get_data("needsX");
        using var noGrad = no_grad();
        long b = g.shape[0], r = g.shape[1], k = g.shape[2];
        Tensor gy = gradOutput.contiguous();
        Tensor gX = zeros([r, 3], g.dtype, g.device), gG = empty([b, r, k], g.dtype, g.device);
        Tensor gA = zeros([b, k, 3], g.dtype, g.device), gD = zeros([b, k], g.dtype, g.device);
        if (g.dtype == ScalarType.Float32) Backward<float>(b, r, k, x, g, angles, c, s, axes, gy, gX, gG, gA, gD, needsX);
        else Backward<double>(b, r, k, x, g, angles, c, s, axes, gy, gX, gG, gA, gD, needsX);
        return [needsX ? gX : null!, gG, gA, gD];
    }

    private static unsafe T* Ptr<T>(Tensor t) where T : unmanaged =>
        (T*)(t.storage<T>().data_ptr() + (nint)(t.storage_offset() * sizeof(T)));

    private static unsafe void Forward<T>(long nb, long nr, long nk, Tensor xT, Tensor cT, Tensor sT, Tensor aT, Tensor yT)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* x = Ptr<T>(xT), c = Ptr<T>(cT), s = Ptr<T>(sT), a = Ptr<T>(aT), y = Ptr<T>(yT);
        for (long b = 0; b < nb; b++)
        {
            T* ab = a + b * nk * 3;
            for (long r = 0; r < nr; r++)
            {
                long row = (b * nr + r) * nk;
                double qw = 1, qx = 0, qy = 0, qz = 0;
                for (long k = 0; k < nk; k++)
                {
                    double ck = double.CreateTruncating(c[row + k]), sk = double.CreateTruncating(s[row + k]);
                    Mul(ck, sk * double.CreateTruncating(ab[3 * k]), sk * double.CreateTruncating(ab[3 * k + 1]), sk * double.CreateTruncating(ab[3 * k + 2]),
                        qw, qx, qy, qz, out qw, out qx, out qy, out qz);
                }
                double px = double.CreateTruncating(x[3 * r]), py = double.CreateTruncating(x[3 * r + 1]), pz = double.CreateTruncating(x[3 * r + 2]);
                Rotate(qw, qx, qy, qz, px, py, pz, out double ox, out double oy, out double oz);
                T* o = y + (b * nr + r) * 3;
                o[0] = T.CreateTruncating(ox);
                o[1] = T.CreateTruncating(oy);
                o[2] = T.CreateTruncating(oz);
            }
        }
    }

    private static unsafe void Backward<T>(long nb, long nr, long nk, Tensor xT, Tensor gT, Tensor dT, Tensor cT, Tensor sT, Tensor aT,
        Tensor gyT, Tensor gxT, Tensor ggT, Tensor gaT, Tensor gdT, bool needsX)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* x = Ptr<T>(xT), gm = Ptr<T>(gT), d = Ptr<T>(dT), c = Ptr<T>(cT), s = Ptr<T>(sT), a = Ptr<T>(aT), gy = Ptr<T>(gyT);
        T* gx = Ptr<T>(gxT), gg = Ptr<T>(ggT), ga = Ptr<T>(gaT), gd = Ptr<T>(gdT);
        // Prefix products P_0 … P_K of one (b, r), and the per-(b, k) sums over residues, in double.
        Span<double> prefix = nk <= 64 ? stackalloc double[(int)(4 * (nk + 1))] : new double[4 * (nk + 1)];
        var sumA = new double[nk * 3];
        var sumD = new double[nk];
        var sumX = needsX ? new double[nr * 3] : [];
        for (long b = 0; b < nb; b++)
        {
            T* ab = a + b * nk * 3;
            Array.Clear(sumA);
            Array.Clear(sumD);
            for (long r = 0; r < nr; r++)
            {
                long row = (b * nr + r) * nk;
                prefix[0] = 1; prefix[1] = 0; prefix[2] = 0; prefix[3] = 0;
                for (long k = 0; k < nk; k++)
                {
                    double ck = double.CreateTruncating(c[row + k]), sk = double.CreateTruncating(s[row + k]);
                    int p = (int)(4 * k);
                    Mul(ck, sk * double.CreateTruncating(ab[3 * k]), sk * double.CreateTruncating(ab[3 * k + 1]), sk * double.CreateTruncating(ab[3 * k + 2]),
                        prefix[p], prefix[p + 1], prefix[p + 2], prefix[p + 3], out prefix[p + 4], out prefix[p + 5], out prefix[p + 6], out prefix[p + 7]);
                }
                int last = (int)(4 * nk);
                double w = prefix[last], vx = prefix[last + 1], vy = prefix[last + 2], vz = prefix[last + 3];
                double px = double.CreateTruncating(x[3 * r]), py = double.CreateTruncating(x[3 * r + 1]), pz = double.CreateTruncating(x[3 * r + 2]);
                T* go = gy + (b * nr + r) * 3;
                double gX0 = double.CreateTruncating(go[0]), gY0 = double.CreateTruncating(go[1]), gZ0 = double.CreateTruncating(go[2]);
                // t = 2·v × x; g_t = w·g + g × v.
                Cross(vx, vy, vz, px, py, pz, out double tx, out double ty, out double tz);
                tx *= 2; ty *= 2; tz *= 2;
                Cross(gX0, gY0, gZ0, vx, vy, vz, out double cx, out double cy, out double cz);
                double gtx = w * gX0 + cx, gty = w * gY0 + cy, gtz = w * gZ0 + cz;
                double gw = gX0 * tx + gY0 * ty + gZ0 * tz;
                Cross(tx, ty, tz, gX0, gY0, gZ0, out double e1x, out double e1y, out double e1z);
                Cross(px, py, pz, gtx, gty, gtz, out double e2x, out double e2y, out double e2z);
                double gvx = e1x + 2 * e2x, gvy = e1y + 2 * e2y, gvz = e1z + 2 * e2z;
                if (needsX)
                {
                    Cross(gtx, gty, gtz, vx, vy, vz, out double e3x, out double e3y, out double e3z);
                    sumX[3 * r] += gX0 + 2 * e3x;
                    sumX[3 * r + 1] += gY0 + 2 * e3y;
                    sumX[3 * r + 2] += gZ0 + 2 * e3z;
                }
                // Back along the chain: L (the later factors) starts as the identity.
                double lw = 1, lx = 0, ly = 0, lz = 0;
                for (long k = nk - 1; k >= 0; k--)
                {
                    double ck = double.CreateTruncating(c[row + k]), sk = double.CreateTruncating(s[row + k]);
                    double ax = double.CreateTruncating(ab[3 * k]), ay = double.CreateTruncating(ab[3 * k + 1]), az = double.CreateTruncating(ab[3 * k + 2]);
                    int p = (int)(4 * k);
                    // ∂q_k = conj(L) ⊗ ∂Q ⊗ conj(P_k)
                    Mul(lw, -lx, -ly, -lz, gw, gvx, gvy, gvz, out double mw, out double mx, out double my, out double mz);
                    Mul(mw, mx, my, mz, prefix[p], -prefix[p + 1], -prefix[p + 2], -prefix[p + 3], out double qw, out double qx, out double qy, out double qz);
                    double gh = -sk * qw + ck * (ax * qx + ay * qy + az * qz);
                    sumA[3 * k] += sk * qx;
                    sumA[3 * k + 1] += sk * qy;
                    sumA[3 * k + 2] += sk * qz;
                    double gmk = double.CreateTruncating(gm[row + k]), dk = double.CreateTruncating(d[b * nk + k]);
                    gg[row + k] = T.CreateTruncating(0.5 * gh * dk);
                    sumD[k] += 0.5 * gh * gmk;
                    Mul(lw, lx, ly, lz, ck, sk * ax, sk * ay, sk * az, out lw, out lx, out ly, out lz);
                }
            }
            for (long k = 0; k < nk; k++)
            {
                gd[b * nk + k] = T.CreateTruncating(sumD[k]);
                for (int j = 0; j < 3; j++) ga[(b * nk + k) * 3 + j] = T.CreateTruncating(sumA[3 * k + j]);
            }
        }
        if (needsX)
            for (long i = 0; i < nr * 3; i++) gx[i] = T.CreateTruncating(sumX[i]);
    }

    // Hamilton product a ⊗ b.
    private static void Mul(double aw, double ax, double ay, double az, double bw, double bx, double by, double bz,
        out double w, out double x, out double y, out double z)
    {
        w = aw * bw - ax * bx - ay * by - az * bz;
        x = aw * bx + ax * bw + ay * bz - az * by;
        y = aw * by - ax * bz + ay * bw + az * bx;
        z = aw * bz + ax * by - ay * bx + az * bw;
    }

    private static void Cross(double ax, double ay, double az, double bx, double by, double bz, out double x, out double y, out double z)
    {
        x = ay * bz - az * by;
        y = az * bx - ax * bz;
        z = ax * by - ay * bx;
    }

    // x′ = x + w·t + v × t, t = 2·v × x (the formula of Deformation's tree, for unit or near-unit Q).
    private static void Rotate(double w, double vx, double vy, double vz, double px, double py, double pz, out double ox, out double oy, out double oz)
    {
        Cross(vx, vy, vz, px, py, pz, out double tx, out double ty, out double tz);
        tx *= 2; ty *= 2; tz *= 2;
        Cross(vx, vy, vz, tx, ty, tz, out double ux, out double uy, out double uz);
        ox = px + w * tx + ux;
        oy = py + w * ty + uy;
        oz = pz + w * tz + uz;
    }
}
