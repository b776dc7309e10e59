using System.Text.Json;
using CryoSphere.IO;

namespace CryoSphere.Analysis;

/// <summary>Settings of <c>cryosphere evaluate</c>.</summary>
public sealed record EvaluateOptions
{
    /// <summary>Folder written by <c>cryosphere analyze</c>.</summary>
    public required string AnalysisDir { get; init; }
    /// <summary>Simulation folder (simulation.json, truth.csv).</summary>
    public required string TruthDir { get; init; }
    /// <summary>Where summary.json, fsc.csv and fsc.png go (default: the analysis folder).</summary>
    public string? OutDir { get; init; }
    /// <summary>Particles whose predicted and true maps are compared by FSC.</summary>
    public int FscParticles { get; init; } = 20;
    /// <summary>Most structures decoded for the RMSD and clash statistics.</summary>
    public int MaxStructures { get; init; } = 2000;
    public int Seed { get; init; } = 1;
    public string? Device { get; init; }
    /// <summary>Images scored for the information ceiling (<see cref="InformationCeiling"/>); 0 skips it.</summary>
    public int CeilingImages { get; init; } = 500;
    /// <summary>Residue-selection pairs "SEL1/SEL2" whose centroid distance is compared, predicted vs true, per particle.</summary>
    public string[] Distances { get; init; } = [];
}

/// <summary>summary.json of <c>cryosphere evaluate</c>.</summary>
public sealed record EvaluationSummary
{
    public required string Run { get; init; }
    public int? Epoch { get; init; }
    public required int Particles { get; init; }
    /// <summary>The first truth coordinate (the only one unless the simulation has independent hinges).</summary>
    public required string TruthCoordinate { get; init; }
    /// <summary>Recovery of every truth coordinate.</summary>
    public required CoordinateSummary[] Coordinates { get; init; }
    /// <summary>The information ceiling; null when skipped (--ceiling-images 0).</summary>
    public CeilingSummary? Ceiling { get; init; }
    public required DistanceSummary[] Distances { get; init; }
    public required int FscParticles { get; init; }
    public required double FscResolution05Mean { get; init; }
    public required double FscResolution05Sd { get; init; }
    public required double FscResolution0143Mean { get; init; }
    public required double FscResolution0143Sd { get; init; }
    /// <summary>Particles whose curve never dropped below 0.5 (their "resolution" is Nyquist, a bound, counted in the mean as such).</summary>
    public int FscBeyondNyquist05 { get; init; }
    /// <summary>The same for 0.143.</summary>
    public int FscBeyondNyquist0143 { get; init; }
    /// <summary>Pearson r between each of the first PCs and the (first) truth coordinate.</summary>
    public required double[] PcCorrelations { get; init; }
    /// <summary>1-based PC with the largest |r|.</summary>
    public required int BestPc { get; init; }
    public required double BestAbsR { get; init; }
    public required int RmsdParticles { get; init; }
    public required double RmsdMean { get; init; }
    public required double RmsdMedian { get; init; }
    public required int ClashStructures { get; init; }
    public required double ClashesMean { get; init; }
    public required int BaseClashes { get; init; }

    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");
}

/// <summary>How well the latents recovered one truth coordinate.</summary>
public sealed record CoordinateSummary
{
    public required string Name { get; init; }
    /// <summary>Pearson r between each of the first PCs and this coordinate.</summary>
    public required double[] PcCorrelations { get; init; }
    /// <summary>1-based PC with the largest |r|.</summary>
    public required int BestPc { get; init; }
    public required double BestAbsR { get; init; }
    /// <summary>Multiple correlation R of a least-squares linear fit of this coordinate on all latent dimensions.</summary>
    public required double LinearFitR { get; init; }
    /// <summary>The information ceiling's r for this coordinate (null when skipped).</summary>
    public double? CeilingR { get; init; }
    /// <summary><see cref="BestAbsR"/> / <see cref="CeilingR"/>.</summary>
    public double? RatioToCeiling { get; init; }
}

/// <summary>The information ceiling as written in summary.json.</summary>
public sealed record CeilingSummary
{
    public required int Images { get; init; }
    public required int GridPoints { get; init; }
    /// <summary>Per truth coordinate, r(best grid value, truth).</summary>
    public required double[] R { get; init; }
    /// <summary>Fraction of images whose best state is the true one (trajectory frames, discrete states); else null.</summary>
    public double? StateAccuracy { get; init; }
}

/// <summary>Predicted vs true centroid distance between two residue selections.</summary>
public sealed record DistanceSummary
{
    public required string Pair { get; init; }
    public required int Particles { get; init; }
    public required double PearsonR { get; init; }
    public required double PredictedMean { get; init; }
    public required double PredictedSd { get; init; }
    public required double TrueMean { get; init; }
    public required double TrueSd { get; init; }
    /// <summary>Mean |predicted − true|, Å.</summary>
    public required double MeanAbsError { get; init; }
    /// <summary>Mean and sd of the distance over one posterior draw per particle (the population the model infers); null
    /// when the analysis has no posterior standard deviations (latents given with --z).</summary>
    public double? DrawnMean { get; init; }
    public double? DrawnSd { get; init; }
    /// <summary>File names (in the output folder) of the per-particle values and the two figures.</summary>
    public required string Csv { get; init; }
    public required string ScatterPng { get; init; }
    public required string HistogramPng { get; init; }
}
