using System.CommandLine;
using System.Globalization;
using CryoSphere.Simulation;

namespace CryoSphere.Cli;

/// <summary>`cryosphere simulate`: a synthetic heterogeneous dataset with its ground truth.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext ctx)
    {
        var structure = new Option<string>("--structure") { Description = "Structure (PDB/mmCIF) to simulate from.", Required = true };
        var chains = new Option<string?>("--chains") { Description = "Chains to keep, comma-separated (default: all)." };
        var motion = new Option<string>("--motion") { Description = "hinge | interpolate | trajectory.", DefaultValueFactory = _ => "hinge" };
        var select = new Option<string[]>("--select") { Description = "Hinge: residues that move together, e.g. A:122-159 (repeatable).", AllowMultipleArgumentsPerToken = false };
        var axis = new Option<string?>("--axis") { Description = "Hinge axis through two residues' Cα, e.g. A:118,A:167 (default: the selection's principal axis)." };
        var hinge = new Option<string[]>("--hinge")
        {
            Description = "Hinge with its own angle: \"SELECTION;AXIS;LO,HI\", e.g. \"A:122-159;A:118,A:167;-45,45\" (axis may be empty, range defaults to --angle-range). Repeat for independent hinges (truth columns angle_deg_1, angle_deg_2, …).",
            AllowMultipleArgumentsPerToken = false,
        };
        var angleRange = new Option<string?>("--angle-range") { Description = "Hinge angle range a,b in degrees (default 0,30)." };
        var tRange = new Option<string?>("--t-range") { Description = "Interpolation range a,b (default 0,1)." };
        var states = new Option<string?>("--states") { Description = "Discrete states instead of a range: angles, t values or frame numbers, comma-separated." };
        var end = new Option<string?>("--structure-end") { Description = "Interpolate: the end structure." };
        var traj = new Option<string?>("--trajectory") { Description = "Trajectory: a multi-model PDB/mmCIF or a folder of structures." };
        var weights = new Option<string?>("--frame-weights") { Description = "Trajectory: weight per frame, comma-separated." };
        var n = new Option<int>("--n-images") { Description = "Number of images.", DefaultValueFactory = _ => 1000 };
        var npix = new Option<int>("--npix") { Description = "Image side in pixels.", DefaultValueFactory = _ => 64 };
        var apix = new Option<double>("--apix") { Description = "Pixel size, Å.", DefaultValueFactory = _ => 2.0 };
        var snr = new Option<double>("--snr") { Description = "Signal-to-noise ratio (signal variance in the particle disc / noise variance).", DefaultValueFactory = _ => 0.1 };
        var snrConvention = new Option<string>("--snr-convention") { Description = "particle: signal variance inside the particle disc; image: over the whole clean CTF-corrupted image (cryoDRGN-style).", DefaultValueFactory = _ => "particle" };
        var noNoise = new Option<bool>("--no-noise") { Description = "Clean images." };
        var sigma = new Option<double>("--sigma") { Description = "Gaussian width per residue, Å.", DefaultValueFactory = _ => 2.0 };
        var noCtf = new Option<bool>("--no-ctf") { Description = "No CTF (and no contrast inversion)." };
        var dfMin = new Option<double>("--defocus-min") { Description = "Smallest defocus, Å.", DefaultValueFactory = _ => 10000 };
        var dfMax = new Option<double>("--defocus-max") { Description = "Largest defocus, Å.", DefaultValueFactory = _ => 25000 };
        var astig = new Option<double>("--astigmatism") { Description = "Largest |dfU − dfV|, Å.", DefaultValueFactory = _ => 0 };
        var kv = new Option<double>("--kv") { Description = "Voltage, kV.", DefaultValueFactory = _ => 300 };
        var cs = new Option<double>("--cs") { Description = "Spherical aberration, mm.", DefaultValueFactory = _ => 2.7 };
        var ac = new Option<double>("--amp-contrast") { Description = "Amplitude contrast.", DefaultValueFactory = _ => 0.1 };
        var posesFrom = new Option<string?>("--poses-from") { Description = "Take poses from this STAR/.cs file instead of drawing them uniformly." };
        var shiftMax = new Option<double>("--shift-max") { Description = "Largest in-plane shift per axis, Å.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var truthStructures = new Option<string>("--truth-structures") { Description = "none | states | all.", DefaultValueFactory = _ => "none" };
        var outDir = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var cmd = new Command("simulate", "Simulate particle images of a moving structure, with ground truth.")
        {
            structure, chains, motion, select, hinge, axis, angleRange, tRange, states, end, traj, weights, n, npix, apix, snr, snrConvention, noNoise,
            sigma, noCtf, dfMin, dfMax, astig, kv, cs, ac, posesFrom, shiftMax, seed, truthStructures, outDir,
        };
        cmd.SetAction(pr =>
        {
            string m = pr.GetValue(motion)!;
            double[] range = m == "interpolate" ? Numbers(pr.GetValue(tRange) ?? "0,1", "--t-range") : Numbers(pr.GetValue(angleRange) ?? "0,30", "--angle-range");
            var o = new SimulationOptions
            {
                StructurePath = pr.GetValue(structure)!,
                Chains = pr.GetValue(chains)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                Motion = m,
                Selections = pr.GetValue(select) ?? [],
                Hinges = pr.GetValue(hinge) is { Length: > 0 } h ? h : null,
                Axis = pr.GetValue(axis),
                Range = range,
                States = pr.GetValue(states) is { } st ? Numbers(st, "--states") : null,
                StructureEnd = pr.GetValue(end),
                Trajectory = pr.GetValue(traj),
                FrameWeights = pr.GetValue(weights) is { } w ? Numbers(w, "--frame-weights") : null,
                NImages = pr.GetValue(n),
                Npix = pr.GetValue(npix),
                Apix = pr.GetValue(apix),
                Snr = pr.GetValue(noNoise) ? null : pr.GetValue(snr),
                SnrConvention = pr.GetValue(snrConvention)!,
                Sigma = pr.GetValue(sigma),
                Ctf = !pr.GetValue(noCtf),
                DefocusMin = pr.GetValue(dfMin),
                DefocusMax = pr.GetValue(dfMax),
                Astigmatism = pr.GetValue(astig),
                VoltageKv = pr.GetValue(kv),
                CsMm = pr.GetValue(cs),
                AmplitudeContrast = pr.GetValue(ac),
                PosesFrom = pr.GetValue(posesFrom),
                ShiftMax = pr.GetValue(shiftMax),
                Seed = pr.GetValue(seed),
                TruthStructures = pr.GetValue(truthStructures)!,
                OutDirValue = pr.GetValue(outDir),
            };
            var r = ConsoleProgress.Run(ctx, "simulating", o.NImages, p => Simulator.Run(o, p));
            ctx.Out.WriteLine($"wrote {r.Images} images of {o.Npix} px ({r.Residues} residues) to {r.OutDir} in {r.Seconds:F1} s ({r.ImagesPerSecond:F0} images/s)");
            if (r.RealisedSnr is { } snrR)
            {
                string G(double? v) => v.GetValueOrDefault().ToString("G4", CultureInfo.InvariantCulture);
                ctx.Out.WriteLine($"realised SNR {G(snrR)} (requested {G(o.Snr)}) in the {o.SnrConvention} convention, noise sd {r.NoiseSigma:G4}; "
                    + $"particle-disc SNR {G(r.RealisedSnrParticle)}, whole-image SNR {G(r.RealisedSnrImage)}");
            }
            ctx.Out.WriteLine($"train with: cryosphere train --config {Path.Combine(r.OutDir, "parameters.yaml")} --out RUN");
            return 0;
        });
        return cmd;
    }

    internal static double[] Numbers(string s, string option)
    {
        var parts = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var r = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out r[i]))
                throw new InputException($"{option} '{s}': '{parts[i]}' is not a number");
        if (r.Length == 0) throw new InputException($"{option} is empty");
        return r;
    }
}
