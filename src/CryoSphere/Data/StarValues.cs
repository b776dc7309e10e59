using CryoSphere.IO;

namespace CryoSphere.Data;

/// <summary>
/// Range checks and documented defaults for the STAR optics values, shared by the RELION 3.0 and 3.1
/// readers so that a bad value names its file, line and column and a filled-in default is reported
/// (a silently assumed 300 kV makes every CTF wrong on a 200 kV dataset).
/// </summary>
internal static class StarValues
{
    public const double DefaultVoltageKv = 300, DefaultCsMm = 2.7, DefaultAmplitudeContrast = 0.1;

    /// <summary>A value that must be &gt; 0 (pixel sizes, voltage).</summary>
    public static double Positive(StarTable t, int row, string column)
    {
        double v = t.GetDouble(row, column);
        if (v > 0) return v;
        throw Bad(t, row, column, v, "must be positive");
    }

    public static double Voltage(StarTable t, int row, ISet<string> defaults) =>
        t.HasColumn("rlnVoltage") ? Positive(t, row, "rlnVoltage") : Default(defaults, "rlnVoltage", DefaultVoltageKv, "kV");

    /// <summary>Cs may be 0 (Cs-corrected scopes) but not negative.</summary>
    public static double Cs(StarTable t, int row, ISet<string> defaults)
    {
        if (!t.HasColumn("rlnSphericalAberration")) return Default(defaults, "rlnSphericalAberration", DefaultCsMm, "mm");
        double v = t.GetDouble(row, "rlnSphericalAberration");
        return v >= 0 ? v : throw Bad(t, row, "rlnSphericalAberration", v, "must not be negative");
    }

    public static double AmplitudeContrast(StarTable t, int row, ISet<string> defaults)
    {
        if (!t.HasColumn("rlnAmplitudeContrast")) return Default(defaults, "rlnAmplitudeContrast", DefaultAmplitudeContrast, "");
        double v = t.GetDouble(row, "rlnAmplitudeContrast");
        return v is >= 0 and <= 1 ? v : throw Bad(t, row, "rlnAmplitudeContrast", v, "must be between 0 and 1");
    }

    private static double Default(ISet<string> defaults, string column, double value, string unit)
    {
        defaults.Add($"no _{column} column: assuming {value}{(unit.Length > 0 ? " " + unit : "")}");
        return value;
    }

    private static InputException Bad(StarTable t, int row, string column, double v, string need) =>
        new(t.SourcePath, $"column _{column}: {v.ToString(System.Globalization.CultureInfo.InvariantCulture)} {need} (row {row + 1} of data_{t.BlockName})", t.LineOf(row));
}
