using System.CommandLine;
using CryoSphere.Data;
using CryoSphere.Imaging;
using CryoSphere.IO;
using CryoSphere.Workflows;

namespace CryoSphere.Cli;

/// <summary>`cryosphere project`: the structure rendered with each particle's pose (and CTF/shift) for inspection.</summary>
internal static class ProjectCommand
{
    public static Command Create(CliContext ctx)
    {
        var structure = new Option<string>("--structure") { Description = "Structure (PDB/mmCIF) in the box frame.", Required = true };
        var chains = new Option<string?>("--chains") { Description = "Chains to keep, comma-separated." };
        var particles = new Option<string>("--particles") { Description = "Particles: .star, .cs, or a stack with --poses/--ctf-pkl.", Required = true };
        var poses = new Option<string?>("--poses") { Description = "cryoDRGN pose .pkl (for a bare stack)." };
        var ctfPkl = new Option<string?>("--ctf-pkl") { Description = "cryoDRGN CTF .pkl (for a bare stack)." };
        var datadir = new Option<string?>("--datadir") { Description = "Folder the image paths are relative to." };
        var npix = new Option<int?>("--npix") { Description = "Image side (default: the particles' box)." };
        var apix = new Option<double?>("--apix") { Description = "Pixel size, Å (default: the particles')." };
        var sigma = new Option<double>("--sigma") { Description = "Gaussian width per residue, Å.", DefaultValueFactory = _ => 2.0 };
        var ctf = new Option<bool>("--ctf") { Description = "Apply each particle's CTF (with the −1 contrast)." };
        var shift = new Option<bool>("--shift") { Description = "Apply each particle's shift." };
        var first = new Option<int?>("--first") { Description = "Only the first K particles." };
        var outPath = new Option<string>("--out") { Description = "Output stack (.mrcs).", Required = true };
        var cmd = new Command("project", "Project a structure with each particle's pose, for checking conventions.")
        { structure, chains, particles, poses, ctfPkl, datadir, npix, apix, sigma, ctf, shift, first, outPath };
        cmd.SetAction(pr =>
        {
            var s = StructureReader.ReadStructure(pr.GetValue(structure)!, pr.GetValue(chains)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            string p = pr.GetValue(particles)!;
            using var ds = ParticleDataset.Open(p, new ParticleOpenOptions
            {
                PosesPath = pr.GetValue(poses), CtfPath = pr.GetValue(ctfPkl), DataDir = pr.GetValue(datadir), PixelSize = pr.GetValue(apix),
                RequirePoses = true, RequireCtf = pr.GetValue(ctf),
                ValidateImages = p.EndsWith(".mrcs", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".mrc", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".txt", StringComparison.OrdinalIgnoreCase),
            });
            foreach (var w in ds.Table.Warnings) ctx.Err.WriteLine("warning: " + w);
            if (pr.GetValue(npix) is < 2) throw new InputException($"--npix must be at least 2 (got {pr.GetValue(npix)})");
            if (pr.GetValue(sigma) is var sg && !(sg > 0 && double.IsFinite(sg))) throw new InputException($"--sigma must be a positive number (got {sg})");
            int n = pr.GetValue(npix) ?? (ds.BoxSize > 0 ? ds.BoxSize : throw new InputException(p, "box size unknown: give --npix"));
            double a = pr.GetValue(apix) ?? ds.PixelSize;
            int k = pr.GetValue(first) ?? ds.Count;
            if (k < 1) throw new InputException($"--first must be at least 1 (got {k})");
            string outFile = pr.GetValue(outPath)!;
            int done = ConsoleProgress.Run(ctx, "projecting", Math.Min(k, ds.Count),
                prog => ProjectionJob.Run(s, ds.Table, n, a, pr.GetValue(sigma), pr.GetValue(ctf), pr.GetValue(shift), k, outFile, prog));
            ctx.Out.WriteLine($"wrote {done} projections of {n} px at {a} Å/px to {outFile}");
            return 0;
        });
        return cmd;
    }
}
