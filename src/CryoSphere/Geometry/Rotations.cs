namespace CryoSphere.Geometry;

/// <summary>
/// The one home of rotations: matrices as 9 doubles, row-major, in the internal convention of docs/conventions.md
/// (a pose R moves a structure's atoms to Y = R·X): RELION Euler angles, cryoSPARC rotation vectors (Rodrigues),
/// axis–angle, quaternions, uniform SO(3). Plain double math, for metadata and file I/O; the batched tensor forms
/// of the same conventions are in Rotations.Tensors.cs.
/// </summary>
public static partial class Rotations
{
    /// <summary>The 3×3 identity.</summary>
    public static double[] Identity() => new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 };

    /// <summary>Active rotation by <paramref name="angleRad"/> about z: [[c,−s,0],[s,c,0],[0,0,1]].</summary>
    public static double[] Rz(double angleRad)
    {
        double c = Math.Cos(angleRad), s = Math.Sin(angleRad);
        return new double[] { c, -s, 0, s, c, 0, 0, 0, 1 };
    }

    /// <summary>Active rotation by <paramref name="angleRad"/> about y: [[c,0,s],[0,1,0],[−s,0,c]].</summary>
    public static double[] Ry(double angleRad)
    {
        double c = Math.Cos(angleRad), s = Math.Sin(angleRad);
        return new double[] { c, 0, s, 0, 1, 0, -s, 0, c };
    }

    /// <summary>RELION angles in degrees → R = (Rz(rot)·Ry(tilt)·Rz(psi))ᵀ, RELION's own Euler matrix.</summary>
    public static double[] FromRelionEuler(double rotDeg, double tiltDeg, double psiDeg)
    {
        double[] m = Multiply(Multiply(Rz(Angles.ToRadians(rotDeg)), Ry(Angles.ToRadians(tiltDeg))), Rz(Angles.ToRadians(psiDeg)));
        return Transpose(m);
    }

    /// <summary>
    /// Inverse of <see cref="FromRelionEuler"/>: angles in degrees, tilt in [0, 180], rot and psi in (−180, 180].
    /// At tilt 0 or 180 only rot ± psi is defined; we then put everything into rot and return psi = 0.
    /// </summary>
    public static (double RotDeg, double TiltDeg, double PsiDeg) ToRelionEuler(double[] r)
    {
        Check(r);
        double[] m = Transpose(r); // m = Rz(rot)·Ry(tilt)·Rz(psi)
        double sinTilt = Math.Sqrt(m[2] * m[2] + m[5] * m[5]);
        double tilt = Math.Atan2(sinTilt, m[8]);
        double rot, psi;
        if (sinTilt > 1e-9)
        {
            rot = Math.Atan2(m[5], m[2]);
            psi = Math.Atan2(m[7], -m[6]);
        }
        else if (m[8] > 0)
        {
            // m = Rz(rot + psi)
            rot = Math.Atan2(m[3], m[0]);
            psi = 0;
        }
        else
        {
            // m = Rz(rot − psi)·diag(−1, 1, −1)
            rot = Math.Atan2(-m[3], m[4]);
            psi = 0;
        }
        return (Angles.ToDegrees(rot), Angles.ToDegrees(tilt), Angles.ToDegrees(psi));
    }

    /// <summary>cryoSPARC's rotation vector ω (radians) → R = Rodrigues(ω)ᵀ.</summary>
    public static double[] FromCryoSparcRotationVector(double wx, double wy, double wz)
        => Transpose(FromRotationVector(wx, wy, wz));

    /// <summary>Rodrigues: rotation by |ω| about ω/|ω| (right-hand rule); the identity at ω = 0.</summary>
    public static double[] FromRotationVector(double wx, double wy, double wz)
    {
        double angle = Math.Sqrt(wx * wx + wy * wy + wz * wz);
        if (angle == 0) return Identity();
        return FromAxisAngle(new[] { wx / angle, wy / angle, wz / angle }, angle);
    }

    /// <summary>Rotation by <paramref name="angleRad"/> about <paramref name="axis"/> (need not be unit), right-hand rule.</summary>
    public static double[] FromAxisAngle(double[] axis, double angleRad)
    {
        if (axis.Length != 3) throw new ArgumentException("axis must have 3 components", nameof(axis));
        double n = Math.Sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        if (n == 0) throw new ArgumentException("axis must not be zero", nameof(axis));
        double x = axis[0] / n, y = axis[1] / n, z = axis[2] / n;
        double c = Math.Cos(angleRad), s = Math.Sin(angleRad), t = 1 - c;
        return new double[]
        {
            t * x * x + c,     t * x * y - s * z, t * x * z + s * y,
            t * x * y + s * z, t * y * y + c,     t * y * z - s * x,
            t * x * z - s * y, t * y * z + s * x, t * z * z + c,
        };
    }

    /// <summary>Matrix product a·b of two row-major 3×3 matrices.</summary>
    public static double[] Multiply(double[] a, double[] b)
    {
        Check(a);
        Check(b);
        var c = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
        return c;
    }

    /// <summary>Rᵀ (the inverse of a rotation).</summary>
    public static double[] Transpose(double[] a)
    {
        Check(a);
        return new[] { a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8] };
    }

    /// <summary>Applies R to a vector: R·v.</summary>
    public static double[] Apply(double[] r, double[] v)
    {
        Check(r);
        return new[]
        {
            r[0] * v[0] + r[1] * v[1] + r[2] * v[2],
            r[3] * v[0] + r[4] * v[1] + r[5] * v[2],
            r[6] * v[0] + r[7] * v[1] + r[8] * v[2],
        };
    }

    /// <summary>Determinant of a 3×3 matrix.</summary>
    public static double Determinant(double[] a)
    {
        Check(a);
        return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
    }

    /// <summary>A rotation drawn uniformly (Haar measure) on SO(3), via Shoemake's uniform unit quaternion.</summary>
    public static double[] UniformRandom(Random rng)
    {
        double u1 = rng.NextDouble(), u2 = rng.NextDouble(), u3 = rng.NextDouble();
        double a = Math.Sqrt(1 - u1), b = Math.Sqrt(u1);
        double x = a * Math.Sin(2 * Math.PI * u2), y = a * Math.Cos(2 * Math.PI * u2);
        double z = b * Math.Sin(2 * Math.PI * u3), w = b * Math.Cos(2 * Math.PI * u3);
        return FromQuaternion(w, x, y, z);
    }

    /// <summary>Unit quaternion (w, x, y, z) → rotation matrix; a non-unit quaternion is normalised first.</summary>
    public static double[] FromQuaternion(double w, double x, double y, double z)
    {
        double n2 = w * w + x * x + y * y + z * z;
        if (n2 == 0) throw new ArgumentException("quaternion must not be zero");
        double s = 2 / n2;
        return new double[]
        {
            1 - s * (y * y + z * z), s * (x * y - w * z),     s * (x * z + w * y),
            s * (x * y + w * z),     1 - s * (x * x + z * z), s * (y * z - w * x),
            s * (x * z - w * y),     s * (y * z + w * x),     1 - s * (x * x + y * y),
        };
    }

    /// <summary>Rotation matrix → unit quaternion (w, x, y, z) with w ≥ 0 (Shepperd's stable branch choice).</summary>
    public static (double W, double X, double Y, double Z) ToQuaternion(double[] r)
    {
        Check(r);
        double tr = r[0] + r[4] + r[8];
        double w, x, y, z;
        if (tr >= r[0] && tr >= r[4] && tr >= r[8])
        {
            double s = Math.Sqrt(1 + tr) * 2;
            w = s / 4; x = (r[7] - r[5]) / s; y = (r[2] - r[6]) / s; z = (r[3] - r[1]) / s;
        }
        else if (r[0] >= r[4] && r[0] >= r[8])
        {
            double s = Math.Sqrt(1 + r[0] - r[4] - r[8]) * 2;
            w = (r[7] - r[5]) / s; x = s / 4; y = (r[1] + r[3]) / s; z = (r[2] + r[6]) / s;
        }
        else if (r[4] >= r[8])
        {
            double s = Math.Sqrt(1 + r[4] - r[0] - r[8]) * 2;
            w = (r[2] - r[6]) / s; x = (r[1] + r[3]) / s; y = s / 4; z = (r[5] + r[7]) / s;
        }
        else
        {
            double s = Math.Sqrt(1 + r[8] - r[0] - r[4]) * 2;
            w = (r[3] - r[1]) / s; x = (r[2] + r[6]) / s; y = (r[5] + r[7]) / s; z = s / 4;
        }
        double n = Math.Sqrt(w * w + x * x + y * y + z * z);
        if (w < 0) n = -n;
        return (w / n, x / n, y / n, z / n);
    }

    private static void Check(double[] m)
    {
        if (m is null || m.Length != 9) throw new ArgumentException("a rotation matrix needs 9 numbers (row-major)");
    }
}
