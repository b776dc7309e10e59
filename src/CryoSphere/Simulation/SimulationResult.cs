namespace CryoSphere.Simulation;

/// <summary>What a simulation produced and measured.</summary>
public sealed record SimulationResult(string OutDir, int Images, int Residues, double? RealisedSnr, double NoiseSigma,
    double Seconds, double ImagesPerSecond, long PeakRssBytes);
