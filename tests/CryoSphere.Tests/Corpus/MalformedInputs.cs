using System.Text;

namespace CryoSphere.Tests.Corpus;

/// <summary>
/// One malformed input: <see cref="Setup"/> writes the damaged file(s) into an empty folder and returns
/// the CLI arguments; the command must exit 2 with a short message that mentions every string in
/// <see cref="Mentions"/> (the file and the field at fault).
/// </summary>
public sealed record MalformedInput(string Name, Func<string, string[]> Setup, params string[] Mentions);

/// <summary>The corpus: mutations of the real files in shared/data, for every reader and every command's arguments.</summary>
public static class MalformedInputs
{
    private static string Shared => Path.Combine(TestData.Root, "cryodrgn");
    private static string Text(string name) => File.ReadAllText(TestData.CryoDrgn(name));
    private static byte[] Raw(string name) => File.ReadAllBytes(TestData.CryoDrgn(name));

    private static string Write(string dir, string name, string text) { string p = Path.Combine(dir, name); File.WriteAllText(p, text); return p; }
    private static string Write(string dir, string name, byte[] data) { string p = Path.Combine(dir, name); File.WriteAllBytes(p, data); return p; }

    /// <summary>`info` on a mutated relion31.star (its stack resolved through --datadir).</summary>
    private static MalformedInput Relion(string name, string block, string column, int row, string value, params string[] extra) =>
        new($"relion31:{block}.{column}={value}",
            d => ["info", Write(d, "relion31.star", Mutate.StarValue(Text("relion31.star"), block, column, row, value)), "--datadir", Shared],
            ["relion31.star", column, .. extra]);

    private static MalformedInput Pfcrt(string column, string value, int row = 2) =>
        new($"pfcrt30:{column}={value}",
            d => ["info", Write(d, "pfcrt.star", Mutate.StarValue(Text("FinalRefinement-OriginalParticles-PfCRT.star"), "images", column, row, value))],
            "pfcrt.star", column);

    private static MalformedInput Toy(string column, string value) =>
        new($"toy:{column}={value}",
            d => ["info", Write(d, "toy.star", Mutate.StarValue(Text("toy.star"), "images", column, 7, value)), "--datadir", Shared],
            "toy.star", column);

    private static MalformedInput Cs(string field, float value, int record = 3, int element = 0) =>
        new($"cs:{field}[{element}]={value}",
            d => ["info", Write(d, "p12.cs", Mutate.CsFloat(TestData.CryoDrgn("cryosparc_P12_J24_001_particles.cs"), field, record, value, element))],
            "p12.cs", field, $"record {record + 1}");

    private static MalformedInput CtfPkl(string name, int element, float value, string mention) =>
        new($"ctfpkl:{name}[{element}]={value}",
            d => ["info", Write(d, "ctf.pkl", Mutate.PickleArrayValue(Raw(name), 0, 4, element, Mutate.Float32(value)))],
            "ctf.pkl", mention);

    private static MalformedInput Mrc(string label, Func<byte[], byte[]> damage, string mention, string command = "info") =>
        new($"mrc:{label}:{command}",
            d =>
            {
                string p = Write(d, "hand.mrcs", damage(Raw("hand.5.mrcs")));
                return command == "fsc" ? ["fsc", p, TestData.CryoDrgn("hand-vol.mrc")] : ["info", p];
            },
            "hand.mrcs", mention);

    private static MalformedInput Pdb(string label, Func<string, string> damage, string mention, string command = "info") =>
        new($"pdb:{label}:{command}",
            d =>
            {
                string p = Write(d, "model.pdb", damage(File.ReadAllText(TestData.Structure("1ake.pdb"))));
                return command == "volume" ? ["volume", "--structure", p, "--npix", "16", "--apix", "4", "--out", Path.Combine(d, "v.mrc")] : ["info", p];
            },
            "model.pdb", mention);

    private static MalformedInput Yaml(string label, string yaml, string mention) =>
        new($"yaml:{label}",
            d => ["train", "--config", Write(d, "parameters.yaml", yaml), "--out", Path.Combine(d, "run")],
            "parameters.yaml", mention);

    private static MalformedInput Args(string label, string mention, Func<string, string[]> args) => new($"args:{label}", args, mention);

    private static string Structure1ake => TestData.Structure("1ake.pdb");

    private static string[] Simulate(string d, params string[] extra) =>
        Override(["simulate", "--structure", Structure1ake, "--chains", "A", "--select", "A:122-159", "--n-images", "4", "--npix", "32", "--apix", "3", "--out", Path.Combine(d, "sim")], extra);

    private static string[] Project(string d, string particles, params string[] extra) =>
        Override(["project", "--structure", Structure1ake, "--particles", particles, "--first", "2", "--out", Path.Combine(d, "p.mrcs")], extra);

    /// <summary>Replaces the value of each option in <paramref name="extra"/> (pairs) that <paramref name="args"/> already has, else appends it.</summary>
    private static string[] Override(string[] args, string[] extra)
    {
        var list = args.ToList();
        for (int k = 0; k < extra.Length; k += 2)
        {
            int at = list.IndexOf(extra[k]);
            if (at >= 0 && k + 1 < extra.Length) list[at + 1] = extra[k + 1];
            else list.AddRange(extra.Skip(k).Take(2));
        }
        return [.. list];
    }

    public static IEnumerable<MalformedInput> All()
    {
        // RELION 3.1 STAR: NaN / inf / out of range in every numeric column we read.
        foreach (var col in new[] { "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi", "rlnOriginXAngst", "rlnOriginYAngst", "rlnDefocusU", "rlnDefocusV", "rlnDefocusAngle", "rlnPhaseShift", "rlnCtfBfactor", "rlnCtfScalefactor" })
            yield return Relion("", "particles", col, 2, "nan", "row 3");
        foreach (var col in new[] { "rlnAngleRot", "rlnDefocusU", "rlnOriginXAngst" })
            yield return Relion("", "particles", col, 4, "inf");
        yield return Relion("", "particles", "rlnAngleTilt", 1, "NaN");
        yield return Relion("", "particles", "rlnDefocusV", 0, "-Infinity");
        yield return Relion("", "particles", "rlnDefocusU", 1, "12a45");
        yield return Relion("", "particles", "rlnOpticsGroup", 1, "7");
        yield return Relion("", "particles", "rlnImageName", 1, "0@relion31.mrcs");
        yield return Relion("", "particles", "rlnImageName", 1, "relion31.mrcs");
        yield return Relion("", "particles", "rlnImageName", 3, "000099@relion31.mrcs", "beyond");
        foreach (var (col, v) in new[] { ("rlnImagePixelSize", "0"), ("rlnImagePixelSize", "-2.806"), ("rlnImagePixelSize", "nan"), ("rlnVoltage", "0"), ("rlnVoltage", "-300"), ("rlnVoltage", "nan"), ("rlnSphericalAberration", "-1"), ("rlnSphericalAberration", "inf"), ("rlnAmplitudeContrast", "1.5"), ("rlnAmplitudeContrast", "-0.1"), ("rlnImageSize", "0"), ("rlnOpticsGroup", "x") })
            yield return Relion("", "optics", col, 0, v);

        // RELION 3.0 (metadata only: its stack is not in the test data) and cryoDRGN's plain toy STAR.
        foreach (var (col, v) in new[] { ("rlnAngleRot", "nan"), ("rlnAnglePsi", "inf"), ("rlnOriginX", "nan"), ("rlnOriginY", "-inf"), ("rlnDefocusU", "nan"), ("rlnDefocusAngle", "NaN"), ("rlnMagnification", "0"), ("rlnMagnification", "-10000"), ("rlnDetectorPixelSize", "0"), ("rlnDetectorPixelSize", "nan"), ("rlnVoltage", "0"), ("rlnSphericalAberration", "nan") })
            yield return Pfcrt(col, v);
        foreach (var (col, v) in new[] { ("rlnDefocusU", "nan"), ("rlnVoltage", "0"), ("rlnAmplitudeContrast", "2"), ("rlnPhaseShift", "inf"), ("rlnImageName", "001001@toy_projections.mrcs") })
            yield return Toy(col, v);

        // STAR syntax damage.
        yield return new("star:truncated-row", d => ["info", Write(d, "cut.star", Text("relion31.star")[..^120]), "--datadir", Shared], "cut.star", "columns");
        yield return new("star:no-image-column", d => ["info", Write(d, "noimg.star", Mutate.StarDropColumn(Text("toy.star"), "images", "rlnImageName"))], "noimg.star", "_rlnImageName");
        yield return new("star:no-pixel-size-in-optics", d => ["info", Write(d, "noapix.star", Mutate.StarDropColumn(Text("relion31.star"), "optics", "rlnImagePixelSize")), "--datadir", Shared], "noapix.star", "_rlnImagePixelSize");
        yield return new("star:binary", d => ["info", Write(d, "bin.star", Raw("hand.5.mrcs"))], "bin.star", "binary");
        yield return new("star:empty", d => ["info", Write(d, "empty.star", "")], "empty.star", "empty");
        yield return new("star:header-only", d => ["info", Write(d, "hdr.star", "data_particles\nloop_\n_rlnImageName #1\n")], "hdr.star", "rows");

        // cryoSPARC .cs: non-finite or out-of-range numbers in every field we read.
        foreach (var f in new[] { "ctf/df1_A", "ctf/df2_A", "ctf/df_angle_rad", "ctf/phase_shift_rad", "ctf/cs_mm", "ctf/scale" })
            yield return Cs(f, float.NaN);
        yield return Cs("alignments3D/pose", float.NaN, 5, 1);
        yield return Cs("alignments3D/pose", float.PositiveInfinity, 7, 2);
        yield return Cs("alignments3D/shift", float.NaN, 2, 1);
        yield return Cs("alignments3D/psize_A", 0f, 0);
        yield return Cs("blob/psize_A", 0f, 0);
        yield return Cs("blob/psize_A", -2.95f, 0);
        yield return Cs("blob/psize_A", float.NaN, 0);
        yield return Cs("ctf/accel_kv", 0f, 9);
        yield return Cs("ctf/amp_contrast", 3f, 11);
        yield return new("cs:truncated", d => ["info", Write(d, "cut.cs", Mutate.Truncate(Raw("cryosparc_P12_J24_001_particles.cs"), 0.5))], "cut.cs", "truncated");
        yield return new("cs:header-garbage", d => ["info", Write(d, "bad.cs", Mutate.Bytes(Raw("cryosparc_J2_particles_exported.cs"), "'descr'"u8.ToArray(), "'dexcr'"u8.ToArray()))], "bad.cs", "descr");

        // cryoDRGN pickles.
        yield return CtfPkl("ctf1.pkl", 2, float.NaN, "DefocusU");
        yield return CtfPkl("ctf1.pkl", 9 + 3, float.PositiveInfinity, "DefocusV");
        yield return CtfPkl("ctf1.pkl", 1, 0f, "Apix");
        yield return CtfPkl("ctf1.pkl", 5, -300f, "Voltage");
        yield return CtfPkl("test_ctf.100.pkl", 9 * 50 + 7, 1.5f, "AmpContrast");
        yield return new("pose:nan-rotation", d => ["info", Write(d, "pose.pkl", Mutate.PickleArrayValue(Raw("pose.star.pkl"), 0, 8, 4, Mutate.NaN64))], "pose.pkl", "rotation 1");
        yield return new("pose:nan-translation", d => ["info", Write(d, "pose.pkl", Mutate.PickleArrayValue(Raw("pose.star.pkl"), 1, 8, 3, Mutate.NaN64))], "pose.pkl", "translation 2");
        yield return new("pose:rot-shape", d => ["info", Write(d, "pose.pkl", Mutate.Bytes(Raw("pose.star.pkl"), [(byte)'K', 5, (byte)'K', 3, (byte)'K', 3, 0x87], [(byte)'K', 5, (byte)'K', 9, (byte)'K', 1, 0x87]))], "pose.pkl", "rotations have shape");
        yield return new("pkl:truncated", d => ["info", Write(d, "cut.pkl", Mutate.Truncate(Raw("ctf1.pkl"), 0.6))], "cut.pkl", "pickle");
        foreach (var f in new[] { 0.1, 0.3, 0.5, 0.9, 0.99 })
            yield return new($"pkl:pose-truncated-{f}", d => ["info", Write(d, "cut.pkl", Mutate.Truncate(Raw("pose.star.pkl"), f))], "cut.pkl", "pickle");
        yield return new("pkl:text", d => ["info", Write(d, "text.pkl", "not a pickle\n")], "text.pkl", "pickle");
        yield return new("pkl:pose-count-mismatch", d => Project(d, TestData.CryoDrgn("hand.5.mrcs"), "--poses", TestData.CryoDrgn("hand_rot_trans.pkl")), "hand_rot_trans.pkl", "100 poses");

        // MRC stacks and maps.
        yield return Mrc("truncated", m => Mutate.Truncate(m, 0.7), "truncated");
        yield return Mrc("nx-negative", m => Mutate.MrcWord(m, 0, -64), "dimensions");
        yield return Mrc("nz-zero", m => Mutate.MrcWord(m, 8, 0), "64x64x0");
        yield return Mrc("mode-7", m => Mutate.MrcWord(m, 12, 7), "mode 7");
        yield return Mrc("nsymbt-huge", m => Mutate.MrcWord(m, 92, 1 << 30), "extended");
        yield return Mrc("header-only", m => m.AsSpan(0, 1024).ToArray(), "truncated");
        yield return Mrc("short", m => m.AsSpan(0, 300).ToArray(), "header");
        yield return Mrc("fsc-size-mismatch", m => m, "64", "fsc");
        yield return new("fsc:apix-zero", d => ["fsc", TestData.CryoDrgn("hand-vol.mrc"), TestData.CryoDrgn("hand-vol.mrc"), "--apix", "0"], "apix");

        // Structures.
        yield return Pdb("ca-x-nan", p => Mutate.PdbColumns(p, "CA", 30, "     nan"), "coordinate");
        yield return Pdb("ca-y-text", p => Mutate.PdbColumns(p, "CA", 38, "   abcde"), "coordinate");
        yield return Pdb("ca-z-blank", p => Mutate.PdbColumns(p, "CA", 46, "        "), "coordinate");
        yield return Pdb("no-protein", p => string.Join('\n', p.Split('\n').Where(l => !l.StartsWith("ATOM", StringComparison.Ordinal))), "no protein");
        yield return Pdb("volume-nan", p => Mutate.PdbColumns(p, "CA", 30, "     nan"), "coordinate", "volume");
        yield return new("cif:no-atom-site", d => ["info", Write(d, "x.cif", string.Join('\n', File.ReadAllLines(TestData.Structure("2DRI.cif")).Where(l => !l.StartsWith("ATOM", StringComparison.Ordinal) && !l.StartsWith("HETATM", StringComparison.Ordinal))))], "x.cif", "_atom_site");
        yield return new("cif:cartn-nan", d => ["info", Write(d, "x.cif", CifFirstCaX(File.ReadAllText(TestData.Structure("2DRI.cif")), "nan"))], "x.cif", "Cartn_x");
        yield return new("cif:truncated", d => ["info", Write(d, "x.cif", File.ReadAllText(TestData.Structure("2DRI.cif"))[..40000])], "x.cif", "ends inside a row");

        // .npy
        yield return new("npy:truncated", d => { string p = Path.Combine(d, "z.npy"); CryoSphere.IO.Npy.Write(p, new float[40], 10, 4); File.WriteAllBytes(p, Mutate.Truncate(File.ReadAllBytes(p), 0.8)); return ["info", p]; }, "z.npy", "truncated");
        yield return new("npy:bad-dtype", d => { string p = Path.Combine(d, "z.npy"); CryoSphere.IO.Npy.Write(p, new float[40], 10, 4); File.WriteAllBytes(p, Mutate.Bytes(File.ReadAllBytes(p), "<f4"u8.ToArray(), "<q9"u8.ToArray())); return ["info", p]; }, "z.npy", "q9");
        yield return new("npy:text", d => ["info", Write(d, "z.npy", "hello")], "z.npy", "npy");

        // Training configuration (parameters.yaml) and train arguments.
        yield return Yaml("range-batch", "batch_size: 0\n", "batch_size");
        yield return Yaml("range-epochs", "N_epochs: -3\n", "N_epochs");
        yield return Yaml("range-lr", "lr: -0.001\n", "lr");
        yield return Yaml("nan-lr", "lr: .nan\n", "lr");
        yield return Yaml("latent-zero", "latent_dimension: 0\n", "latent_dimension");
        yield return Yaml("not-number", "lr: fast\n", "lr");
        yield return Yaml("bad-bool", "amortized: maybe\n", "amortized");
        yield return Yaml("not-mapping", "- a\n- b\n", "mapping");
        yield return Yaml("tab", "lr:\t0.1\nbatch_size:\n\t- 3\n", "tab");
        yield return Yaml("segm-zero", "segmentation_config:\n  part1:\n    all_protein: true\n    N_segm: 0\n", "N_segm");
        yield return Yaml("image-yaml-missing", "image_yaml: nowhere.yaml\n", "nowhere.yaml");
        yield return Args("train-out-is-file", "out", d => ["train", "--structure", Structure1ake, "--particles", TestData.CryoDrgn("relion31.star"), "--out", Write(d, "afile", "x")]);
        yield return Args("train-resume-not-run", "config.yaml", d => ["train", "--resume", d]);
        yield return Args("train-epochs-zero", "epochs", d => ["train", "--structure", Structure1ake, "--particles", TestData.CryoDrgn("relion31.star"), "--epochs", "0", "--out", Path.Combine(d, "run")]);
        yield return Args("train-missing-structure", "nothere.pdb", d => ["train", "--structure", Path.Combine(d, "nothere.pdb"), "--particles", TestData.CryoDrgn("relion31.star"), "--out", Path.Combine(d, "run")]);
        yield return Args("train-unknown-option", "--bogus", d => ["train", "--bogus", "3"]);
        yield return Args("train-option-not-int", "--epochs", d => ["train", "--epochs", "many"]);

        // Other commands' arguments.
        yield return Args("simulate-n-zero", "n-images", d => Simulate(d, "--n-images", "0"));
        yield return Args("simulate-apix-negative", "apix", d => Simulate(d, "--apix", "-3"));
        yield return Args("simulate-npix-odd-tiny", "npix", d => Simulate(d, "--npix", "1"));
        yield return Args("simulate-select-bad", "select", d => Simulate(d, "--select", "A:x-y"));
        yield return Args("simulate-select-missing-chain", "Z", d => Simulate(d, "--select", "Z:1-10"));
        yield return Args("simulate-snr-negative", "snr", d => Simulate(d, "--snr", "-1"));
        yield return Args("project-apix-zero", "apix", d => Project(d, TestData.CryoDrgn("relion31.star"), "--apix", "0", "--datadir", Shared));
        yield return Args("project-first-zero", "first", d => Project(d, TestData.CryoDrgn("relion31.star"), "--first", "0"));
        yield return Args("project-particles-missing", "gone.star", d => Project(d, Path.Combine(d, "gone.star")));
        yield return Args("volume-npix-zero", "npix", d => ["volume", "--structure", Structure1ake, "--npix", "0", "--apix", "2", "--out", Path.Combine(d, "v.mrc")]);
        yield return Args("volume-apix-nan", "apix", d => ["volume", "--structure", Structure1ake, "--npix", "16", "--apix", "NaN", "--out", Path.Combine(d, "v.mrc")]);
        yield return Args("analyze-run-missing", "norun", d => ["analyze", "--run", Path.Combine(d, "norun"), "--out", Path.Combine(d, "a")]);
        yield return Args("evaluate-missing", "noanalysis", d => ["evaluate", "--analysis", Path.Combine(d, "noanalysis"), "--truth", d]);
        yield return Args("center-volume-missing", "novol.mrc", d => ["center", "--structure", Structure1ake, "--volume", Path.Combine(d, "novol.mrc"), "--out", Path.Combine(d, "c")]);
        yield return Args("info-unknown-command", "frobnicate", d => ["frobnicate"]);
        yield return Args("analyze-pcs-zero", "pcs", d => ["analyze", "--run", d, "--out", Path.Combine(d, "a"), "--pcs", "0"]);
        yield return Args("analyze-steps-text", "--steps", d => ["analyze", "--run", d, "--out", Path.Combine(d, "a"), "--steps", "ten"]);
        yield return Args("evaluate-particles-negative", "particles", d => ["evaluate", "--analysis", d, "--truth", d, "--particles", "-5"]);
        yield return Args("demo-threads-negative", "threads", d => ["demo", "--out", Path.Combine(d, "demo"), "--threads", "-2"]);
        yield return Args("fsc-missing-second-map", "Required argument", d => ["fsc", TestData.CryoDrgn("hand-vol.mrc")]);
        yield return Args("train-device-bogus", "tpu", d => ["train", "--structure", Structure1ake, "--particles", TestData.CryoDrgn("relion31.star"), "--datadir", Shared, "--device", "tpu", "--out", Path.Combine(d, "run")]);
        yield return Args("train-batch-zero", "batch", d => ["train", "--structure", Structure1ake, "--particles", TestData.CryoDrgn("relion31.star"), "--batch-size", "0", "--out", Path.Combine(d, "run")]);
        yield return Args("train-n-images-zero", "n-images", d => ["train", "--structure", Structure1ake, "--particles", TestData.CryoDrgn("relion31.star"), "--n-images", "0", "--out", Path.Combine(d, "run")]);

        // Stack lists (.txt) and images.yaml.
        yield return new("txt:missing-stack", d => ["info", Write(d, "stacks.txt", TestData.CryoDrgn("hand.5.mrcs") + "\n" + Path.Combine(d, "gone.mrcs") + "\n")], "stacks.txt", "gone.mrcs");
        yield return new("txt:mixed-sizes", d => ["info", Write(d, "stacks.txt", TestData.CryoDrgn("hand.5.mrcs") + "\n" + TestData.CryoDrgn("toy_images_a.mrcs") + "\n")], "toy_images_a.mrcs", "30");
        yield return new("images-yaml:apix-zero", d =>
        {
            Write(d, "images.yaml", "apix: 0\nNpix: 64\nNpix_downsize: 64\nsigma_gmm: 2\n");
            return ["train", "--config", Write(d, "parameters.yaml", "image_yaml: images.yaml\n"), "--out", Path.Combine(d, "run")];
        }, "images.yaml", "apix");
        yield return new("images-yaml:npix-text", d =>
        {
            Write(d, "images.yaml", "apix: 2\nNpix: big\n");
            return ["train", "--config", Write(d, "parameters.yaml", "image_yaml: images.yaml\n"), "--out", Path.Combine(d, "run")];
        }, "images.yaml", "Npix");
    }

    /// <summary>Sets the x coordinate of the first Cα ATOM row of an mmCIF file (column found from the _atom_site header).</summary>
    private static string CifFirstCaX(string cif, string value)
    {
        var lines = cif.Split('\n');
        var cols = lines.Where(l => l.StartsWith("_atom_site.", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        int cx = cols.IndexOf("_atom_site.Cartn_x"), name = cols.IndexOf("_atom_site.label_atom_id");
        int i = Array.FindIndex(lines, l => l.StartsWith("ATOM", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[name] == "CA");
        var t = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        t[cx] = value;
        lines[i] = string.Join(' ', t);
        return string.Join('\n', lines);
    }

    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}
