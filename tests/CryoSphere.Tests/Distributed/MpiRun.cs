using System.Diagnostics;

namespace CryoSphere.Tests.Distributed;

/// <summary>
/// Starts the CLI under Open MPI's mpirun (installed by .ci/run; Debian's openmpi-bin). Root is allowed (CI runs as
/// root) and ranks may outnumber cores (2 ranks share the 2-core machine with other jobs).
/// </summary>
public static class MpiRun
{
    public sealed record Result(int ExitCode, string Out, string Err);

    /// <summary>MPICH's launcher (Hydra), installed beside Open MPI by .ci/run (Debian's mpich; `mpirun` stays Open MPI's).</summary>
    public const string Mpich = "mpirun.mpich";

    public static Process Start(int ranks, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string launcher = "mpirun")
    {
        var psi = new ProcessStartInfo(launcher)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-np");
        psi.ArgumentList.Add(ranks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Open MPI's: ranks may outnumber cores and must not be pinned to one; Hydra does neither by default.
        if (launcher != Mpich) foreach (var a in new[] { "--oversubscribe", "--bind-to", "none" }) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CryoSphere.Cli.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        psi.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        try { return Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{launcher} not found: install Open MPI and MPICH (apt-get install openmpi-bin libopenmpi-dev mpich; .ci/run does)", e);
        }
    }

    public static Result Run(int ranks, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? env = null, string launcher = "mpirun")
    {
        using var p = Start(ranks, args, env, launcher);
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"mpirun did not finish in {timeout.TotalSeconds} s");
        }
        return new Result(p.ExitCode, output.Result, err.Result);
    }

    /// <summary>Process ids of the ranks started by this test (found by a tag in their environment).</summary>
    public static int? RankPid(string tag, int rank)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string env;
            try { env = File.ReadAllText(Path.Combine(dir, "environ")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            var vars = env.Split('\0');
            if (vars.Contains("CS_TEST_TAG=" + tag) && vars.Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
        }
        return null;
    }
}
