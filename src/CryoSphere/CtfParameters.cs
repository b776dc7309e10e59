namespace CryoSphere;

/// <summary>
/// CTF of one particle in RELION units: defocus in Å, astigmatism angle in degrees, voltage in kV,
/// spherical aberration in mm, amplitude contrast as a fraction, phase shift in degrees, B-factor in Å².
/// </summary>
public readonly record struct CtfParameters(
    double DefocusU,
    double DefocusV,
    double DefocusAngleDeg,
    double VoltageKv,
    double SphericalAberrationMm,
    double AmplitudeContrast,
    double PhaseShiftDeg = 0,
    double BFactor = 0,
    double Scale = 1);
