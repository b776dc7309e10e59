using System.CommandLine;
using System.Globalization;
using CryoSphere.Analysis;

namespace CryoSphere.Cli;

/// <summary>`cryosphere center`: a structure (and its consensus map) into the training box frame.</summary>
internal static class CenterCommand
{
    public static Command Create(CliContext ctx)
    {
        var structure = new Option<string>("--structure") { Description = "Structure (PDB/mmCIF).", Required = true };
        var volume = new Option<string?>("--volume") { Description = "Consensus map (.mrc) the structure is fitted into." };
        var outDir = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var cmd = new Command("center", "Move a structure (and its map) into the box frame used for training (box centre at 0).") { structure, volume, outDir };
        cmd.SetAction(pr =>
        {
            var r = Centering.Run(pr.GetValue(structure)!, pr.GetValue(volume), pr.GetValue(outDir)!);
            var inv = CultureInfo.InvariantCulture;
            // Adding +0 turns a rounded −0 into 0, so no "-0.000" is printed.
            string F(double v) => (Math.Round(v, 3) + 0.0).ToString("F3", inv);
            string t = $"({F(r.Translation.X)}, {F(r.Translation.Y)}, {F(r.Translation.Z)}) Å";
            ctx.Out.WriteLine(r.FromMap
                ? $"translated the structure by {t} so the map's box centre is at 0"
                : $"no map given: translated the Cα centroid to 0, by {t}");
            ctx.Out.WriteLine($"wrote {r.StructurePath}" + (r.MapPath is { } m ? $" and {m}" : ""));
            return 0;
        });
        return cmd;
    }
}
