namespace CryoSphere;

/// <summary>One atom of an <see cref="AtomicModel"/>; coordinates in Å.</summary>
public sealed class Atom
{
    public int Serial { get; set; }

    /// <summary>Atom name without padding, e.g. <c>CA</c>, <c>C1'</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Alternate-location id, empty when none.</summary>
    public string AltLoc { get; set; } = "";

    /// <summary>Element symbol with normal capitalisation (<c>C</c>, <c>Se</c>, <c>Zn</c>).</summary>
    public string Element { get; set; } = "";

    public double X { get; set; }
    public double Y { get; set; }
    public double Z { get; set; }
    public double Occupancy { get; set; } = 1.0;
    public double BFactor { get; set; }

    /// <summary>Formal charge (0 when none).</summary>
    public int Charge { get; set; }

    public Atom Clone() => (Atom)MemberwiseClone();
}
