namespace CryoSphere;

/// <summary>Degrees ↔ radians: the one conversion (metadata files speak degrees, the math radians).</summary>
public static class Angles
{
    /// <summary>Degrees → radians.</summary>
    public static double ToRadians(double degrees) => degrees * Math.PI / 180;

    /// <summary>Radians → degrees.</summary>
    public static double ToDegrees(double radians) => radians * 180 / Math.PI;
}
