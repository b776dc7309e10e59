using System.CommandLine;
using System.Globalization;
using CryoSphere.Analysis;
using CryoSphere.Workflows;

namespace CryoSphere.Cli;

/// <summary>`cryosphere fit`: rigid-body fit of a structure's Cα Gaussian model into a map.</summary>
internal static class FitCommand
{
    public static Command Create(CliContext ctx)
    {
        var structure = new Option<string>("--structure") { Description = "Structure (PDB/mmCIF) to fit.", Required = true };
        var map = new Option<string>("--map") { Description = "Map (.mrc) to fit into.", Required = true };
        var chains = new Option<string?>("--chains") { Description = "Chains to fit with, comma-separated (all atoms move)." };
        var rotations = new Option<int>("--rotations") { Description = "Rotations tried in the global search.", DefaultValueFactory = _ => new RigidFit.Options().Rotations };
        var sigma = new Option<double>("--sigma") { Description = "Gaussian width per residue, Å.", DefaultValueFactory = _ => 2.0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the rotation set.", DefaultValueFactory = _ => 1 };
        var particles = new Option<string?>("--particles") { Description = "Particles (poses, CTF) in the map's box: compare the model with them before/after." };
        var datadir = new Option<string?>("--datadir") { Description = "Folder the image paths are relative to." };
        var first = new Option<int>("--first") { Description = "Particles used for that comparison.", DefaultValueFactory = _ => 500 };
        var outPath = new Option<string>("--out") { Description = "Fitted structure (.pdb/.cif); the transform goes to NAME.transform.json.", Required = true };
        var cmd = new Command("fit", "Rigid-body fit of a structure into a map (global rotation + FFT translation search, local refinement).")
        { structure, map, chains, rotations, sigma, seed, particles, datadir, first, outPath };
        cmd.SetAction(pr =>
        {
            int nr = pr.GetValue(rotations);
            double sg = pr.GetValue(sigma);
            if (pr.GetValue(first) < 1) throw new InputException($"--first must be at least 1 (got {pr.GetValue(first)})");
            if (nr < 1) throw new InputException($"--rotations must be at least 1 (got {nr})");
            if (!(sg > 0)) throw new InputException($"--sigma must be positive (got {sg})");
            var r = MapFit.Run(new MapFitOptions
            {
                StructurePath = pr.GetValue(structure)!, MapPath = pr.GetValue(map)!, OutPath = pr.GetValue(outPath)!,
                Chains = pr.GetValue(chains)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                Particles = pr.GetValue(particles), DataDir = pr.GetValue(datadir), ParticleCount = pr.GetValue(first),
                Fit = new RigidFit.Options { Rotations = nr, Sigma = sg, Seed = pr.GetValue(seed) },
            });
            var inv = CultureInfo.InvariantCulture;
            ctx.Out.WriteLine($"wrote {r.OutPath} and {r.TransformPath}");
            ctx.Out.WriteLine($"correlation {r.CorrelationBefore.ToString("F4", inv)} → {r.Transform.Correlation.ToString("F4", inv)} in {r.Seconds.ToString("F1", inv)} s");
            if (r.ParticleCorrelationBefore is { } pb && r.ParticleCorrelationAfter is { } pa)
                ctx.Out.WriteLine($"mean correlation with the particles: {pb.ToString("F4", inv)} → {pa.ToString("F4", inv)}");
            return 0;
        });
        return cmd;
    }
}
