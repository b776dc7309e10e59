namespace CryoSphere;

/// <summary>Acquisition settings shared by a group of particles (RELION's data_optics row).</summary>
public sealed record OpticsGroup(
    int Number,
    string Name,
    double PixelSize,
    int? ImageSize,
    double VoltageKv,
    double SphericalAberrationMm,
    double AmplitudeContrast);
