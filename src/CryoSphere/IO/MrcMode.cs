namespace CryoSphere.IO;

/// <summary>MRC data modes we read and write (MRC2014 word 4).</summary>
public enum MrcMode
{
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 0,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 1,

    /// <summary>32-bit IEEE float, the usual mode.</summary>
    Float32 = 2,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 6,

    /// <summary>16-bit IEEE half float.</summary>
    Float16 = 12,
}
