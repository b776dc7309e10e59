using System.CommandLine;
using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.IO;

namespace CryoSphere.Cli;

/// <summary>`cryosphere fsc`: Fourier shell correlation of two maps.</summary>
internal static class FscCommand
{
    public static Command Create(CliContext ctx)
    {
        var a = new Argument<string>("map1") { Description = "First map (.mrc)." };
        var b = new Argument<string>("map2") { Description = "Second map (.mrc)." };
        var apix = new Option<double?>("--apix") { Description = "Voxel size, Å (default: from the first map's header)." };
        var outPath = new Option<string?>("--out") { Description = "Write the curve as CSV here." };
        var cmd = new Command("fsc", "Fourier shell correlation between two maps; resolutions at 0.5 and 0.143.") { a, b, apix, outPath };
        cmd.SetAction(pr =>
        {
            string pa = pr.GetValue(a)!, pb = pr.GetValue(b)!;
            foreach (var p in new[] { pa, pb }) if (!File.Exists(p)) throw new InputException(p, "map file not found");
            var m1 = MrcVolume.Read(pa);
            var m2 = MrcVolume.Read(pb);
            if ((m1.Nx, m1.Ny, m1.Nz) != (m2.Nx, m2.Ny, m2.Nz))
                throw new InputException(pb, $"map is {m2.Nx}x{m2.Ny}x{m2.Nz} but {Path.GetFileName(pa)} is {m1.Nx}x{m1.Ny}x{m1.Nz}; FSC needs maps of the same size");
            if (m1.Nx != m1.Ny || m1.Nx != m1.Nz) throw new InputException(pa, $"map is {m1.Nx}x{m1.Ny}x{m1.Nz}; FSC needs cubic maps");
            if (pr.GetValue(apix) is { } given && !(given > 0 && double.IsFinite(given))) throw new InputException($"--apix must be a positive number (got {given})");
            double v = pr.GetValue(apix) ?? m1.VoxelSize;
            if (!(v > 0)) throw new InputException(pa, "the header has no voxel size; give --apix");
            int n = m1.Nx;
            var curve = Fsc.Curve(m1.Data, m2.Data, n);
            var inv = CultureInfo.InvariantCulture;
            if (pr.GetValue(outPath) is { } op)
                AtomicFile.WriteText(op, w =>
                {
                    w.WriteLine("shell,frequency,resolution_A,fsc");
                    for (int s = 0; s < curve.Length; s++)
                    {
                        double f = Fsc.Frequency(s, n, v);
                        w.WriteLine($"{s.ToString(inv)},{f.ToString("G6", inv)},{(s == 0 ? "inf" : (1 / f).ToString("G6", inv))},{curve[s].ToString("G6", inv)}");
                    }
                });
            string nyq = $" (Nyquist {(2 * v).ToString("F2", inv)} Å)";
            ctx.Out.WriteLine($"FSC 0.5:   {Fsc.Describe(curve, n, v, 0.5)}");
            ctx.Out.WriteLine($"FSC 0.143: {Fsc.Describe(curve, n, v, 0.143)}" + nyq);
            return 0;
        });
        return cmd;
    }
}
