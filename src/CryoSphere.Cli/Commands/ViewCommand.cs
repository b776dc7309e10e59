using System.CommandLine;
using CryoSphere.View;

namespace CryoSphere.Cli;

/// <summary>`cryosphere view`: an interactive dashboard of a run in the browser, served until Ctrl-C.</summary>
internal static class ViewCommand
{
    public static Command Create(CliContext ctx)
    {
        var run = new Option<string>("--run") { Description = "Training run folder (may still be training).", Required = true };
        var analysis = new Option<string?>("--analysis") { Description = "Analysis folder (default: RUN/analysis when it exists; else latents are encoded at start)." };
        var epoch = new Option<int?>("--epoch") { Description = "Use the checkpoint of this epoch (default: the newest)." };
        var port = new Option<int>("--port") { Description = "TCP port (0 = any free port).", DefaultValueFactory = _ => 8050 };
        var host = new Option<string>("--host") { Description = "Address to listen on; anything but loopback needs the token in the printed URL.", DefaultValueFactory = _ => "127.0.0.1" };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var cmd = new Command("view", "Interactive dashboard of a run in the browser: latent space, structures, segments, training curves, particles.")
        { run, analysis, epoch, port, host, device, threads };
        cmd.SetAction(async (pr, signal) =>
        {
            TorchRuntime.SetThreads(pr.GetValue(threads));
            var progress = new SyncProgress<(int Done, int Total)>(p => ctx.Out.WriteLine($"encoding particles: {p.Done}/{p.Total}"));
            using var session = ViewSession.Open(pr.GetValue(run)!, pr.GetValue(analysis), pr.GetValue(epoch), pr.GetValue(device), progress);
            await using var server = await ViewServer.StartAsync(session, new ViewServerOptions { Host = pr.GetValue(host)!, Port = pr.GetValue(port) });
            ctx.Out.WriteLine($"{session.Count} particles, latent dimension {session.LatentDim}, checkpoint {Path.GetFileName(session.Run.CheckpointPath)}");
            foreach (var m in session.Missing) ctx.Out.WriteLine("note: " + m);
            ctx.Out.WriteLine($"dashboard: {server.Url}   (Ctrl-C to stop)");
            await server.WaitAsync(signal);
            ctx.Out.WriteLine("stopped");
            return 0;
        });
        return cmd;
    }
}
