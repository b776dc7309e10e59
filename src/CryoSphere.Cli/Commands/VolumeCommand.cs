using System.CommandLine;
using CryoSphere.Workflows;

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
            double a = pr.GetValue(apix);
            string outFile = pr.GetValue(outPath)!;
            var (o, residues) = VolumeJob.Run(pr.GetValue(structure)!, pr.GetValue(chains)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                n, a, pr.GetValue(sigma), pr.GetValue(center), outFile);
            ctx.Out.WriteLine($"wrote {outFile}: {n}³ voxels of {a} Å, {residues} residues, origin {o} Å (box centre at 0)");
            return 0;
        });
        return cmd;
    }
}
