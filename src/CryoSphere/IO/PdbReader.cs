using System.Globalization;
using System.Text;

namespace CryoSphere.IO;

/// <summary>Fixed-column PDB parser behind <see cref="Pdb.Read"/> and <see cref="Pdb.ReadModels"/>.</summary>
internal static class PdbReader
{
    public static List<AtomicModel> Read(string path, bool firstModelOnly)
    {
        TextFileCheck.EnsureText(path, "PDB");
        var models = new List<AtomicModel>();
        AtomicModelBuilder? builder = null;
        int lineNo = 0;

        void Finish()
        {
            if (builder is not null && builder.AtomCount > 0) models.Add(builder.Build());
            builder = null;
        }

        using var reader = new StreamReader(path, new UTF8Encoding(false, false), true, 1 << 16);
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNo++;
            if (line.StartsWith("MODEL ", StringComparison.Ordinal) || line == "MODEL")
            {
                Finish();
                if (firstModelOnly && models.Count > 0) break;
                continue;
            }
            if (line.StartsWith("ENDMDL", StringComparison.Ordinal))
            {
                Finish();
                if (firstModelOnly && models.Count > 0) break;
                continue;
            }
            bool isAtom = line.StartsWith("ATOM  ", StringComparison.Ordinal);
            bool isHet = line.StartsWith("HETATM", StringComparison.Ordinal);
            if (!isAtom && !isHet) continue;
            if (line.Length < 54) throw new InputException(path, $"{line[..Math.Min(6, line.Length)].Trim()} record too short ({line.Length} columns, coordinates need 54)", lineNo);
            builder ??= new AtomicModelBuilder(path);
            ParseAtom(line, isHet, builder, path, lineNo);
        }
        Finish();
        if (models.Count == 0) throw new InputException(path, "no ATOM or HETATM records");
        return models;
    }

    private static void ParseAtom(string line, bool isHet, AtomicModelBuilder builder, string path, int lineNo)
    {
        string nameField = Field(line, 13, 16);
        string residueName = Field(line, 18, 21).Trim();
        string chain = Field(line, 22, 22).Trim();
        if (!int.TryParse(Field(line, 23, 26), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seq))
            throw new InputException(path, $"residue number '{Field(line, 23, 26).Trim()}' is not an integer (columns 23-26)", lineNo);
        var atom = new Atom
        {
            Serial = int.TryParse(Field(line, 7, 11), NumberStyles.Integer, CultureInfo.InvariantCulture, out int serial) ? serial : builder.AtomCount + 1,
            Name = nameField.Trim(),
            AltLoc = Field(line, 17, 17).Trim(),
            X = Coordinate(line, 31, 38, 'x', path, lineNo),
            Y = Coordinate(line, 39, 46, 'y', path, lineNo),
            Z = Coordinate(line, 47, 54, 'z', path, lineNo),
            Occupancy = Number(Field(line, 55, 60), 1.0),
            BFactor = Number(Field(line, 61, 66), 0.0),
            Charge = Charge(Field(line, 79, 80)),
        };
        string element = Field(line, 77, 78).Trim();
        atom.Element = element.Length > 0 && ResidueTables.IsKnownElement(element)
            ? ResidueTables.NormalizeElement(element)
            : ResidueTables.InferElement(nameField, residueName);
        builder.Add(chain, residueName, seq, Field(line, 27, 27).Trim(), isHet, atom);
    }

    /// <summary>Columns <paramref name="first"/>..<paramref name="last"/> (1-based, inclusive), blank-padded when the line is short.</summary>
    private static string Field(string line, int first, int last)
    {
        if (line.Length < first) return "";
        return line.Substring(first - 1, Math.Min(last, line.Length) - first + 1);
    }

    private static double Coordinate(string line, int first, int last, char axis, string path, int lineNo)
    {
        string s = Field(line, first, last);
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
        throw new InputException(path, $"{axis} coordinate '{s.Trim()}' is not a number (columns {first}-{last})", lineNo);
    }

    private static double Number(string s, double fallback) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : fallback;

    private static int Charge(string s)
    {
        s = s.Trim();
        if (s.Length == 0) return 0;
        int sign = s.Contains('-') ? -1 : 1;
        string digits = new(s.Where(char.IsDigit).ToArray());
        if (digits.Length == 0) return s.Contains('+') || s.Contains('-') ? sign : 0;
        return sign * int.Parse(digits, CultureInfo.InvariantCulture);
    }
}
