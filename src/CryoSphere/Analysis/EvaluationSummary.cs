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
}

/// <summary>summary.json of <c>cryosphere evaluate</c>.</summary>
public sealed record EvaluationSummary
{
    public required string Run { get; init; }
    public int? Epoch { get; init; }
    public required int Particles { get; init; }
    public required string TruthCoordinate { get; init; }
    public required int FscParticles { get; init; }
    public required double FscResolution05Mean { get; init; }
    public required double FscResolution05Sd { get; init; }
    public required double FscResolution0143Mean { get; init; }
    public required double FscResolution0143Sd { get; init; }
    /// <summary>Particles whose curve never dropped below 0.5 (their "resolution" is Nyquist, a bound, counted in the mean as such).</summary>
    public int FscBeyondNyquist05 { get; init; }
    /// <summary>The same for 0.143.</summary>
    public int FscBeyondNyquist0143 { get; init; }
    /// <summary>Pearson r between each of the first PCs and the truth coordinate.</summary>
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
