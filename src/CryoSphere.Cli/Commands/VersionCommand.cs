using System.CommandLine;

namespace CryoSphere.Cli;

/// <summary>`cryosphere version`: versions of the tool and of libtorch, and whether CUDA is usable.</summary>
internal static class VersionCommand
{
    public static Command Create(CliContext ctx)
    {
        var cmd = new Command("version", "Print the tool, TorchSharp and libtorch versions and the devices available.");
        cmd.SetAction(_ =>
        {
            ctx.Out.WriteLine($"cryosphere {typeof(InputException).Assembly.GetName().Version}");
            ctx.Out.WriteLine(TorchRuntime.Describe());
            return 0;
        });
        return cmd;
    }
}
