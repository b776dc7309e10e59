using System.Text.Json;
using CryoSphere.IO;

namespace CryoSphere.Analysis;

/// <summary>analysis.json: what an analysis folder was made from, so <c>evaluate</c> can find the run and its latents.</summary>
public sealed record AnalysisManifest
{
    public const string FileName = "analysis.json";

    public required string Run { get; init; }
    public int? Epoch { get; init; }
    public required string Checkpoint { get; init; }
    public required int Particles { get; init; }
    public required int LatentDim { get; init; }
    /// <summary>Latents came from this file instead of the encoder (null = latent means of the particles).</summary>
    public string? LatentsSource { get; init; }
    public required double[] ExplainedVarianceRatio { get; init; }
    /// <summary>PC coordinates of each traversal's structures.</summary>
    public required double[][] Traversals { get; init; }
    /// <summary>Per traversal, the Cα RMSD between its first and last structures (Å; <see cref="LatentContent"/>).</summary>
    public double[]? TraversalRmsd { get; init; }
    /// <summary>The training's KL(z) at the analysed epoch, nats per particle; null without metrics.</summary>
    public double? LatentNats { get; init; }
    /// <summary>Per traversed PC, ρ²: how much of a particle's coordinate its image determines (<see cref="LatentContent.Determination"/>); null when the posteriors are unknown.</summary>
    public double[]? PcDetermination { get; init; }
    /// <summary>The seed of the traversals' posterior draws (<see cref="TraversalRange"/>), so the viewer traverses alike; null before 2026-12-07.</summary>
    public int? Seed { get; init; }
    public required int Segments { get; init; }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public void Write(string dir) => AtomicFile.WriteAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Json) + "\n");

    public static AnalysisManifest Read(string dir)
    {
        string p = Path.Combine(dir, FileName);
        if (!File.Exists(p)) throw new InputException(dir, $"not an analysis folder (no {FileName}; run cryosphere analyze first)");
        try
        {
            return JsonSerializer.Deserialize<AnalysisManifest>(File.ReadAllText(p), Json) ?? throw new InputException(p, "empty");
        }
        catch (JsonException e)
        {
            throw new InputException(p, $"cannot read: {e.Message.Split('\n')[0]}");
        }
    }
}
