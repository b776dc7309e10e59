namespace CryoSphere.Model;

/// <summary>Per-segment means ν and standard deviations β of one Gaussian family (length K each).</summary>
public sealed record GaussianSet(double[] Mean, double[] Std);

/// <summary>
/// Gaussian distributions of a part's segment means μ_k, pre-ELU widths and logits α_k: either where the
/// variational posteriors start, or the priors the KL terms pull toward. Values are in residue
/// indices local to the part (0 = the part's first residue).
/// </summary>
public sealed record SegmentationGaussians(GaussianSet Means, GaussianSet Widths, GaussianSet Proportions)
{
    /// <summary>
    /// The "uniform" start and prior (method.md §5): with b0 = n/K, ν_μk = b0/2 + k·b0, β_μ = 10,
    /// ν_σ = b0, β_σ = 10, ν_α = 0, β_α = 1.
    /// </summary>
    public static SegmentationGaussians Uniform(int residues, int segments)
    {
        double b0 = (double)residues / segments;
        double[] Fill(double v) => Enumerable.Repeat(v, segments).ToArray();
        return new SegmentationGaussians(
            new GaussianSet(Enumerable.Range(0, segments).Select(k => b0 / 2 + k * b0).ToArray(), Fill(10.0)),
            new GaussianSet(Fill(b0), Fill(10.0)),
            new GaussianSet(Fill(0.0), Fill(1.0)));
    }

    internal void Validate(int segments, string what)
    {
        foreach (var (name, set) in new[] { ("means", Means), ("widths", Widths), ("proportions", Proportions) })
        {
            if (set.Mean.Length != segments || set.Std.Length != segments)
                throw new InputException($"segmentation {what} {name}: expected {segments} values for mean and std, got {set.Mean.Length} and {set.Std.Length}");
            if (set.Std.Any(s => !(s > 0) || double.IsInfinity(s)))
                throw new InputException($"segmentation {what} {name}: standard deviations must be positive and finite");
            if (set.Mean.Any(m => !double.IsFinite(m)))
                throw new InputException($"segmentation {what} {name}: means must be finite");
        }
    }
}

/// <summary>
/// One segmented part of the structure: the residues [Start, End) in the global residue order, cut into
/// <see cref="Segments"/> soft segments. Residues outside every part never move. Null start/prior mean
/// <see cref="SegmentationGaussians.Uniform"/>.
/// </summary>
public sealed record SegmentationPart(int Start, int End, int Segments,
    SegmentationGaussians? Initial = null, SegmentationGaussians? Prior = null)
{
    /// <summary>Number of residues in the part.</summary>
    public int Length => End - Start;

    /// <summary>The whole structure as one part.</summary>
    public static SegmentationPart WholeProtein(int residues, int segments) => new(0, residues, segments);

    internal SegmentationGaussians InitialOrUniform => Initial ?? SegmentationGaussians.Uniform(Length, Segments);

    internal SegmentationGaussians PriorOrUniform => Prior ?? SegmentationGaussians.Uniform(Length, Segments);
}
