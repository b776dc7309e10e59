using CryoSphere.IO;

namespace CryoSphere.Simulation;

/// <summary>Frames of a trajectory (a multi-model PDB/mmCIF or a folder of structures), one frame per image.</summary>
public sealed class TrajectoryMotion : IMotion
{
    private readonly List<float[]> _frames = [];
    private readonly double[] _cumulative;

    public Structure First { get; }
    /// <summary>The first frame with all its atoms (the reference state).</summary>
    public AtomicModel FirstModel { get; }
    public int FrameCount => _frames.Count;

    public TrajectoryMotion(string path, string[]? chains, double[]? weights, double[]? states)
    {
        var models = new List<(AtomicModel Model, string Source)>();
        if (Directory.Exists(path))
        {
            foreach (var f in Directory.GetFiles(path).Where(f => f.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".cif", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
                models.Add((StructureReader.Read(f), f));
        }
        else if (File.Exists(path))
        {
            foreach (var m in StructureReader.ReadModels(path)) models.Add((m, path));
        }
        else throw new InputException(path, "trajectory not found");
        if (models.Count == 0) throw new InputException(path, "trajectory holds no structures");
        FirstModel = models[0].Model;
        First = Structure.FromAtomicModel(models[0].Model, chains);
        foreach (var (m, src) in models)
        {
            var s = Structure.FromAtomicModel(m, chains);
            if (s.Count != First.Count || !s.ResidueNumbers.SequenceEqual(First.ResidueNumbers) || !s.ChainIds.SequenceEqual(First.ChainIds))
                throw new InputException(src, $"frame {_frames.Count + 1} has different residues from frame 1 ({s.Count} vs {First.Count})");
            _frames.Add(s.Coordinates);
        }
        double[] w = weights ?? Enumerable.Repeat(1.0, _frames.Count).ToArray();
        if (states is not null)
        {
            w = new double[_frames.Count];
            foreach (var st in states)
            {
                int k = (int)st;
                if (k < 0 || k >= _frames.Count) throw new InputException(path, $"--states names frame {k}, but the trajectory has frames 0–{_frames.Count - 1}");
                w[k] = 1;
            }
        }
        if (w.Length != _frames.Count) throw new InputException(path, $"{w.Length} frame weights for {_frames.Count} frames");
        if (w.Any(x => x < 0) || w.Sum() <= 0) throw new InputException("frame weights must be non-negative and not all zero");
        _cumulative = new double[w.Length];
        double acc = 0;
        for (int i = 0; i < w.Length; i++) { acc += w[i]; _cumulative[i] = acc; }
        for (int i = 0; i < w.Length; i++) _cumulative[i] /= acc;
    }

    public IReadOnlyList<string> CoordinateNames => ["frame"];
    public double[] Reference => [0];

    public double[] Sample(Random rng)
    {
        double u = rng.NextDouble();
        int i = Array.BinarySearch(_cumulative, u);
        if (i < 0) i = ~i;
        return [Math.Min(i, _frames.Count - 1)];
    }

    /// <summary>Every frame, whatever its weight: an estimate may land on a frame the images never show.</summary>
    public double[] GridAxis(int dimension, int steps) => Enumerable.Range(0, _frames.Count).Select(i => (double)i).ToArray();

    public float[] Coordinates(IReadOnlyList<double> coordinates) => (float[])_frames[(int)coordinates[0]].Clone();
}
