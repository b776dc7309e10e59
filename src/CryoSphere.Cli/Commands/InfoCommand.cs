using System.CommandLine;
using CryoSphere.Workflows;

namespace CryoSphere.Cli;

/// <summary>`cryosphere info FILE`: what a particle, map, structure, pickle, .npy or config file holds, validated.</summary>
internal static class InfoCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = new Argument<string>("file") { Description = "A .star, .cs, .pkl, .mrc/.mrcs, .txt stack list, .pdb/.cif, .npy or parameters .yaml file." };
        var datadir = new Option<string?>("--datadir") { Description = "Folder the image paths in a STAR/.cs file are relative to." };
        var cmd = new Command("info", "Print what a file holds and check it.") { file, datadir };
        cmd.SetAction(pr =>
        {
            string path = pr.GetValue(file)!;
            FileReport.Describe(ctx.Out, path, pr.GetValue(datadir));
            return 0;
        });
        return cmd;
    }
}
