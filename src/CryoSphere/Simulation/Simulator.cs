using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CryoSphere.Data;
using CryoSphere.Geometry;
using CryoSphere.Imaging;
using CryoSphere.IO;
using CryoSphere.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CryoSphere.Simulation;

/// <summary>
/// Makes a synthetic heterogeneous dataset with known truth: per image a motion coordinate, a pose,
/// a shift and a CTF, rendered with the same image formation as training, plus white noise at a
/// requested SNR. Images are made and written chunk by chunk, so memory does not grow with their number.
/// </summary>
public static class Simulator
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static SimulationResult Run(SimulationOptions o, IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        Validate(o);
        var clock = Stopwatch.StartNew();
        var (motion, refModel, refStructure) = BuildMotion(o);
        var c = RoundedCentroid(refStructure);
        var baseModel = Translate(Restrict(refModel, refStructure), -c.X, -c.Y, -c.Z);
        var s = Structure.FromAtomicModel(baseModel);
        if (s.Count != refStructure.Count) throw new InvalidOperationException("base model and motion disagree on residues");

        string outDir = Path.GetFullPath(o.OutDir());
        Directory.CreateDirectory(outDir);
        StructureReader.Write(Path.Combine(outDir, "base.pdb"), [baseModel]);

        ParticleTable? poses = null;
        if (o.PosesFrom is { } pf)
        {
            using var ds = ParticleDataset.Open(pf, new ParticleOpenOptions { RequirePoses = true, ValidateImages = false });
            poses = ds.Table;
        }

        var rng = new Random(o.Seed);
        using var gen = new Generator((ulong)(o.Seed + 1), CPU);
        var grid = new ImageGrid(o.Npix, o.Apix);
        using var amps = tensor(s.Amplitudes);
        double radius = 0;
        for (int i = 0; i < s.Count; i++)
            radius = Math.Max(radius, Math.Sqrt(s.Coordinates[3 * i] * s.Coordinates[3 * i] + s.Coordinates[3 * i + 1] * s.Coordinates[3 * i + 1] + s.Coordinates[3 * i + 2] * s.Coordinates[3 * i + 2]));
        double discPx = Math.Min(o.Npix / 2.0, (radius + 2 * o.Sigma) / o.Apix);
        using var meter = new SnrMeter(o.Npix, discPx, o.SnrConvention);

        using var stack = new MrcStackWriter(Path.Combine(outDir, "particles.mrcs"), o.Npix, o.Npix, o.Apix);
        using var star = new AtomicTextWriter(Path.Combine(outDir, "particles.star"));
        using var truth = new AtomicTextWriter(Path.Combine(outDir, "truth.csv"));
        PdbModelWriter? allTruth = o.TruthStructures == "all" ? new PdbModelWriter(Path.Combine(outDir, "truth_structures", "all.pdb")) : null;
        try
        {
            WriteStarHeader(star.Writer, o);
            truth.Writer.WriteLine($"index,{string.Join(",", motion.CoordinateNames)},rot,tilt,psi,shift_x_A,shift_y_A,defocus_u,defocus_v,defocus_angle");

            double noiseSigma = 0;
            int chunk = EffectiveChunk(o);
            for (int start = 0; start < o.NImages; start += chunk)
            {
                ct.ThrowIfCancellationRequested();
                int b = Math.Min(chunk, o.NImages - start);
                using var guard = NativeCallGuard.Enter(256L << 20);
                using var scope = NewDisposeScope();
                var coords = new float[b * s.Count * 3];
                var rot = new float[b * 9];
                var shifts = new float[b * 2];
                var ctfs = new CtfParameters[b];
                var lines = new string[b];
                var truthLines = new string[b];
                for (int j = 0; j < b; j++)
                {
                    int idx = start + j;
                    double[] coord = motion.Sample(rng);
                    float[] x = motion.Coordinates(coord);
                    SubtractCentre(x, c);
                    Array.Copy(x, 0, coords, j * x.Length, x.Length);
                    allTruth?.WriteModel(s.WithCoordinates(x).ToAtomicModel());

                    double[] r;
                    double sx, sy;
                    if (poses is not null)
                    {
                        var p = poses.PoseOf(idx % poses.Count);
                        r = p.Rotation; sx = p.ShiftXA; sy = p.ShiftYA;
                    }
                    else
                    {
                        r = Rotations.UniformRandom(rng);
                        sx = o.ShiftMax * (2 * rng.NextDouble() - 1);
                        sy = o.ShiftMax * (2 * rng.NextDouble() - 1);
                    }
                    double dfu = o.DefocusMin + (o.DefocusMax - o.DefocusMin) * rng.NextDouble();
                    double dfv = dfu - o.Astigmatism * rng.NextDouble();
                    double dfa = 180 * rng.NextDouble();
                    // What the STAR file says is what the image is made from: round-trip through the text first.
                    var (er, et, ep) = Rotations.ToRelionEuler(r);
                    string[] f = [F(er), F(et), F(ep), F(sx), F(sy), F(dfu, 2), F(dfv, 2), F(dfa, 3)];
                    double[] pr = Rotations.FromRelionEuler(P(f[0]), P(f[1]), P(f[2]));
                    for (int k = 0; k < 9; k++) rot[9 * j + k] = (float)pr[k];
                    shifts[2 * j] = (float)P(f[3]);
                    shifts[2 * j + 1] = (float)P(f[4]);
                    ctfs[j] = new CtfParameters(P(f[5]), P(f[6]), P(f[7]), o.VoltageKv, o.CsMm, o.AmplitudeContrast);
                    string name = $"{idx + 1:D6}@particles.mrcs";
                    lines[j] = o.Ctf
                        ? $"{name} {f[0]} {f[1]} {f[2]} {f[3]} {f[4]} {f[5]} {f[6]} {f[7]} 0.0 0.0 1.0 1"
                        : $"{name} {f[0]} {f[1]} {f[2]} {f[3]} {f[4]} 1";
                    truthLines[j] = $"{idx},{string.Join(",", coord.Select(v => v.ToString("R", Inv)))},{f[0]},{f[1]},{f[2]},{f[3]},{f[4]},{f[5]},{f[6]},{f[7]}";
                }
                var xt = tensor(coords, [b, s.Count, 3]);
                var rt = tensor(rot, [b, 3, 3]);
                var st = tensor(shifts, [b, 2]);
                using var ctfBatch = o.Ctf ? CtfBatch.From(ctfs, CPU) : null;
                var clean = ImageFormation.Apply(GaussianRenderer.RotateAndProject(xt, rt, amps, o.Sigma, grid), ctfBatch, st, grid);
                Tensor images = clean;
                Tensor? noise = null;
                if (o.Snr is { } snr)
                {
                    if (start == 0) noiseSigma = Math.Sqrt(meter.SignalVariance(clean).mean().ToDouble() / snr);
                    noise = randn([b, o.Npix, o.Npix], generator: gen) * noiseSigma;
                    images = clean + noise;
                }
                meter.Add(clean, noise);
                stack.Append(images.contiguous().data<float>().ToArray());
                foreach (var l in lines) star.Writer.WriteLine(l);
                foreach (var l in truthLines) truth.Writer.WriteLine(l);
                progress?.Report((start + b, o.NImages));
            }
            star.Writer.WriteLine();
            bool noisy = o.Snr is not null;
            stack.Complete();
            star.Commit();
            truth.Commit();
            allTruth?.Complete();
            if (o.TruthStructures == "states") WriteStates(outDir, o, motion, s, c);
            WriteTrainConfig(outDir, o, s.Count);
            double secs = clock.Elapsed.TotalSeconds;
            long rss = (long)(ProcessMemory.PeakRssMiB() * 1024 * 1024);
            var result = new SimulationResult(outDir, o.NImages, s.Count, noisy ? meter.Realised : null, noiseSigma, secs, o.NImages / Math.Max(secs, 1e-9), rss,
                noisy ? meter.RealisedParticle : null, noisy ? meter.RealisedImage : null);
            AtomicFile.WriteAllText(Path.Combine(outDir, "simulation.json"), JsonSerializer.Serialize(new { options = o with { OutDirValue = outDir }, result }, new JsonSerializerOptions { WriteIndented = true }));
            return result;
        }
        finally
        {
            allTruth?.Dispose();
        }
    }

    /// <summary>
    /// Images per chunk: <see cref="SimulationOptions.ChunkSize"/>, capped so one chunk holds at most
    /// 2²¹ pixels. Rendering, FFTs and the CTF keep some thirty image-sized tensors alive per chunk, so
    /// 256 images of 256 px peaked above 2 GiB; small chunks are no slower (measured: SimulateBench).
    /// </summary>
    public static int EffectiveChunk(SimulationOptions o) =>
        Math.Max(1, Math.Min(o.ChunkSize, (1 << 21) / (o.Npix * o.Npix)));

    /// <summary>
    /// The base structure of a simulation with one motion coordinate and a function from that coordinate to truth
    /// coordinates (box frame). Simulations with several coordinates (independent hinges) use <see cref="TruthFamily"/>.
    /// </summary>
    public static (Structure Base, Func<double, float[]> State) Truth(SimulationOptions o)
    {
        var f = TruthFamily(o);
        if (f.Dimensions != 1)
            throw new InputException($"this simulation has {f.Dimensions} motion coordinates ({string.Join(", ", f.Names)}); only one is supported here");
        return (f.Base, coord => f.State([coord]));
    }

    /// <summary>The base structure, the motion and a function from motion coordinates to truth coordinates (box frame).</summary>
    public static TruthFamily TruthFamily(SimulationOptions o)
    {
        var (motion, refModel, refStructure) = BuildMotion(o);
        var c = RoundedCentroid(refStructure);
        var s = Structure.FromAtomicModel(Translate(Restrict(refModel, refStructure), -c.X, -c.Y, -c.Z));
        return new TruthFamily(s, motion, coord =>
        {
            var x = motion.Coordinates(coord);
            SubtractCentre(x, c);
            return x;
        });
    }

    /// <summary>Reads simulation.json from a simulation folder.</summary>
    public static SimulationOptions ReadOptions(string simDir)
    {
        string p = Path.Combine(simDir, "simulation.json");
        if (!File.Exists(p)) throw new InputException(simDir, "not a simulation folder (no simulation.json)");
        using var doc = JsonDocument.Parse(File.ReadAllText(p));
        return doc.RootElement.GetProperty("options").Deserialize<SimulationOptions>()
            ?? throw new InputException(p, "cannot read the simulation options");
    }

    private static void Validate(SimulationOptions o)
    {
        if (o.NImages < 1) throw new InputException($"--n-images must be at least 1 (got {o.NImages})");
        if (o.Npix < 8) throw new InputException($"--npix must be at least 8 (got {o.Npix})");
        if (!(o.Apix > 0)) throw new InputException($"--apix must be positive (got {o.Apix})");
        if (o.Snr is { } snr && !(snr > 0)) throw new InputException($"--snr must be positive (got {snr}); use --no-noise for clean images");
        if (o.Hinges is { Length: > 0 } && o.Motion != "hinge") throw new InputException($"--hinge needs --motion hinge (got {o.Motion})");
        if (o.SnrConvention is not ("particle" or "image")) throw new InputException($"--snr-convention '{o.SnrConvention}': use particle or image");
        if (!(o.Sigma > 0)) throw new InputException($"--sigma must be positive (got {o.Sigma})");
        if (o.Ctf && (o.DefocusMin <= 0 || o.DefocusMax < o.DefocusMin)) throw new InputException("--defocus-min/--defocus-max must satisfy 0 < min ≤ max (Å)");
        if (o.ShiftMax < 0) throw new InputException("--shift-max must be ≥ 0");
        if (o.TruthStructures is not ("none" or "states" or "all")) throw new InputException("--truth-structures must be none, states or all");
        if (!File.Exists(o.StructurePath) && o.Motion != "trajectory") throw new InputException(o.StructurePath, "structure file not found");
        if (o.ChunkSize < 1) throw new InputException("chunk size must be positive");
    }

    private static (IMotion, AtomicModel, Structure) BuildMotion(SimulationOptions o)
    {
        switch (o.Motion)
        {
            case "hinge":
            {
                var model = StructureReader.Read(o.StructurePath);
                var s = Structure.FromAtomicModel(model, o.Chains);
                return (HingeFrom(o, s), model, s);
            }
            case "interpolate":
            {
                if (o.StructureEnd is null) throw new InputException("--motion interpolate needs --structure-end");
                var model = StructureReader.Read(o.StructurePath);
                var a = Structure.FromAtomicModel(model, o.Chains);
                var e = StructureReader.ReadStructure(o.StructureEnd, o.Chains);
                var m = new InterpolationMotion(a, e, o.StructureEnd, o.States is null && o.Range is [0, 30] ? [0, 1] : o.Range, o.States);
                return (m, model, m.Matched);
            }
            case "trajectory":
            {
                string path = o.Trajectory ?? throw new InputException("--motion trajectory needs --trajectory");
                var m = new TrajectoryMotion(path, o.Chains, o.FrameWeights, o.States);
                return (m, m.FirstModel, m.First);
            }
            default:
                throw new InputException($"--motion '{o.Motion}': use hinge, interpolate or trajectory");
        }
    }

    /// <summary>One hinge from --select/--axis or one --hinge; independent hinges from two or more --hinge.</summary>
    private static IMotion HingeFrom(SimulationOptions o, Structure s)
    {
        if (o.Hinges is not { Length: > 0 } h) return new HingeMotion(s, o.Selections, o.Axis, o.Range, o.States);
        if (o.Selections.Length > 0 || o.Axis is not null) throw new InputException("give either --select/--axis or --hinge, not both");
        if (h.Length == 1)
        {
            if (o.States is not null) throw new InputException("--states with --hinge: use --select/--axis for discrete angles");
            return IndependentHinges.Parse(s, h[0], o.Range);
        }
        if (o.States is not null) throw new InputException("--states cannot be combined with several --hinge (each hinge draws its own angle)");
        return new IndependentHinges(s, h, o.Range);
    }

    /// <summary>The polymer residues of <paramref name="model"/> that <paramref name="s"/> holds, with all their atoms.</summary>
    private static AtomicModel Restrict(AtomicModel model, Structure s)
    {
        var keep = new HashSet<(string, int, string)>();
        for (int i = 0; i < s.Count; i++) keep.Add((s.ChainIds[i], s.ResidueNumbers[i], s.InsertionCodes[i]));
        var outModel = new AtomicModel { SourcePath = model.SourcePath };
        foreach (var ch in model.Chains)
        {
            Chain? nc = null;
            foreach (var r in ch.Residues)
            {
                if (r.IsHetero && !keep.Contains((ch.Id, r.SeqNum, r.InsCode))) continue;
                if (!keep.Contains((ch.Id, r.SeqNum, r.InsCode))) continue;
                if (nc is null) { nc = new Chain(ch.Id); outModel.Chains.Add(nc); }
                var nr = new Residue(r.Name, r.Chain, r.SeqNum, r.InsCode, r.IsHetero);
                foreach (var a in r.Atoms) nr.Atoms.Add(a.Clone());
                nc.Residues.Add(nr);
            }
        }
        return outModel;
    }

    private static AtomicModel Translate(AtomicModel m, double dx, double dy, double dz)
    {
        foreach (var a in m.Atoms) { a.X += dx; a.Y += dy; a.Z += dz; }
        return m;
    }

    private static void WriteStarHeader(TextWriter w, SimulationOptions o)
    {
        w.WriteLine("# written by CryoSphere simulate (RELION 3.1 format)");
        w.WriteLine();
        w.WriteLine("data_optics");
        w.WriteLine();
        w.WriteLine("loop_");
        string[] oc = ["_rlnOpticsGroupName", "_rlnOpticsGroup", "_rlnVoltage", "_rlnSphericalAberration", "_rlnAmplitudeContrast", "_rlnImagePixelSize", "_rlnImageSize", "_rlnImageDimensionality"];
        for (int i = 0; i < oc.Length; i++) w.WriteLine($"{oc[i]} #{i + 1}");
        w.WriteLine($"opticsGroup1 1 {F(o.VoltageKv, 2)} {F(o.CsMm, 3)} {F(o.AmplitudeContrast, 3)} {o.Apix.ToString("R", Inv)} {o.Npix} 2");
        w.WriteLine();
        w.WriteLine();
        w.WriteLine("data_particles");
        w.WriteLine();
        w.WriteLine("loop_");
        var cols = new List<string> { "_rlnImageName", "_rlnAngleRot", "_rlnAngleTilt", "_rlnAnglePsi", "_rlnOriginXAngst", "_rlnOriginYAngst" };
        if (o.Ctf) cols.AddRange(["_rlnDefocusU", "_rlnDefocusV", "_rlnDefocusAngle", "_rlnPhaseShift", "_rlnCtfBfactor", "_rlnCtfScalefactor"]);
        cols.Add("_rlnOpticsGroup");
        for (int i = 0; i < cols.Count; i++) w.WriteLine($"{cols[i]} #{i + 1}");
    }

    private static void WriteStates(string outDir, SimulationOptions o, IMotion motion, Structure s, (double X, double Y, double Z) c)
    {
        double[][] states = o.States is { } st ? st.Distinct().Select(v => new[] { v }).ToArray() : [motion.Reference];
        foreach (var state in states)
        {
            var x = motion.Coordinates(state);
            SubtractCentre(x, c);
            string name = string.Join("_", state.Select(v => v.ToString("0.###", Inv)));
            StructureReader.Write(Path.Combine(outDir, "truth_structures", $"state_{name}.pdb"), [s.WithCoordinates(x).ToAtomicModel()]);
        }
    }

    /// <summary>parameters.yaml + images.yaml in the reference tool's format, ready for `cryosphere train --config`.</summary>
    private static void WriteTrainConfig(string outDir, SimulationOptions o, int residues)
    {
        AtomicFile.WriteAllText(Path.Combine(outDir, "images.yaml"),
            $"apix: {o.Apix.ToString("R", Inv)}\nNpix: {o.Npix}\nNpix_downsize: {o.Npix}\nsigma_gmm: {o.Sigma.ToString("R", Inv)}\n");
        AtomicFile.WriteAllText(Path.Combine(outDir, "parameters.yaml"), ReferenceYaml.Parameters(o, TrainOptions.Defaults, residues));
    }

    private static string N(double? v) => v?.ToString("R", Inv) ?? "";

    private static void SubtractCentre(float[] x, (double X, double Y, double Z) c)
    {
        for (int k = 0; k < x.Length; k += 3) { x[k] -= (float)c.X; x[k + 1] -= (float)c.Y; x[k + 2] -= (float)c.Z; }
    }

    // Input coordinates have 3 decimals (PDB/mmCIF); a centroid rounded to 3 decimals keeps base.pdb, which is
    // written with 3 decimals, exactly the frame the images are made from.
    private static (double X, double Y, double Z) RoundedCentroid(Structure s)
    {
        var c = s.Centroid();
        return (Math.Round(c.X, 3), Math.Round(c.Y, 3), Math.Round(c.Z, 3));
    }

    private static string F(double v, int decimals = 6) => v.ToString("F" + decimals, Inv);
    private static double P(string s) => double.Parse(s, Inv);
}
