using System.CommandLine;
using CryoSphere.Imaging;
using CryoSphere.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Cli;

/// <summary>`cryosphere volume`: a structure rendered as a map with the training Gaussians, box-centred.</summary>
internal static class VolumeCommand
{
    public static Command Create(CliContext ctx)
    {
        var structure = new Option<string>("--structure") { Description = "Structure (PDB/mmCIF) in the box frame (origin = box centre).", Required = true };
        var chains = new Option<string?>("--chains") { Description = "Chains to keep, comma-separated." };
        var npix = new Option<int>("--npix") { Description = "Box side in voxels.", Required = true };
        var apix = new Option<double>("--apix") { Description = "Voxel size, Å.", Required = true };
        var sigma = new Option<double>("--sigma") { Description = "Gaussian width per residue, Å.", DefaultValueFactory = _ => 2.0 };
        var center = new Option<bool>("--center") { Description = "Move the Cα centroid to the box centre first." };
        var outPath = new Option<string>("--out") { Description = "Output map (.mrc).", Required = true };
        var cmd = new Command("volume", "Render a structure as a 3D map (MRC) with the same Gaussians as training.") { structure, chains, npix, apix, sigma, center, outPath };
        cmd.SetAction(pr =>
        {
            int n = pr.GetValue(npix);
            double a = pr.GetValue(apix), sg = pr.GetValue(sigma);
            if (n < 2 || n > 1024) throw new InputException($"--npix {n}: must be between 2 and 1024");
            if (!(a > 0)) throw new InputException($"--apix must be positive (got {a})");
            if (!(sg > 0)) throw new InputException($"--sigma must be positive (got {sg})");
            var s = Structure.Load(pr.GetValue(structure)!, pr.GetValue(chains)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            var xyz = (float[])s.Coordinates.Clone();
            if (pr.GetValue(center))
            {
                var c = s.Centroid();
                for (int i = 0; i < xyz.Length; i += 3) { xyz[i] -= (float)c.X; xyz[i + 1] -= (float)c.Y; xyz[i + 2] -= (float)c.Z; }
            }
            float[] map;
            using (NativeCallGuard.Enter(256L << 20))
            using (var scope = NewDisposeScope())
                map = VolumeRenderer.RenderToArray(tensor(xyz, [s.Count, 3]), tensor(s.Amplitudes), sg, new ImageGrid(n, a));
            double o = -(n / 2) * a;
            string outFile = pr.GetValue(outPath)!;
            MrcWriter.WriteVolume(outFile, map, n, n, n, a, (o, o, o));
            ctx.Out.WriteLine($"wrote {outFile}: {n}³ voxels of {a} Å, {s.Count} residues, origin {o} Å (box centre at 0)");
            return 0;
        });
        return cmd;
    }
}
