namespace CryoSphere.Simulation;

/// <summary>
/// What a simulation produced and measured. RealisedSnr is signal over noise variance in the requested
/// convention (<see cref="SimulationOptions.SnrConvention"/>); RealisedSnrParticle and RealisedSnrImage are the
/// same measured inside the particle disc and over the whole image.
/// </summary>
public sealed record SimulationResult(string OutDir, int Images, int Residues, double? RealisedSnr, double NoiseSigma,
    double Seconds, double ImagesPerSecond, long PeakRssBytes, double? RealisedSnrParticle = null, double? RealisedSnrImage = null);
