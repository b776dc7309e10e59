using System.CommandLine;

namespace CryoSphere.Cli;

/// <summary>The list of subcommands; each lives in its own file under Commands/.</summary>
internal static partial class Commands
{
    public static IEnumerable<Command> All(CliContext ctx)
    {
        yield return AnalyzeCommand.Create(ctx);
        yield return BackprojectCommand.Create(ctx);
        yield return CenterCommand.Create(ctx);
        yield return EvaluateCommand.Create(ctx);
        yield return FscCommand.Create(ctx);
        yield return FitCommand.Create(ctx);
        yield return DemoCommand.Create(ctx);
        yield return InfoCommand.Create(ctx);
        yield return SimulateCommand.Create(ctx);
        yield return TrainCommand.Create(ctx);
        yield return VolumeCommand.Create(ctx);
        yield return ProjectCommand.Create(ctx);
        yield return VersionCommand.Create(ctx);
        yield return ViewCommand.Create(ctx);
    }
}
