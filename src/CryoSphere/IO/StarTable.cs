using System.Globalization;

namespace CryoSphere.IO;

/// <summary>
/// The <c>loop_</c> table of a STAR block. Column names are stored without the leading underscore
/// (<c>rlnImageName</c>); lookups accept either spelling.
/// </summary>
public sealed class StarTable
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly int[]? _rowLines;

    /// <summary>Column names in file order, without the leading underscore.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>One array of values per row, each as long as <see cref="Columns"/>; quotes removed.</summary>
    public string[][] Rows { get; }

    /// <summary>The file this table was read from, for error messages (null when built in memory).</summary>
    public string? SourcePath { get; }

    /// <summary>Name of the owning block without <c>data_</c>, for error messages.</summary>
    public string BlockName { get; internal set; } = "";

    public int RowCount => Rows.Length;

    /// <summary>Builds a table in memory; every row must have one value per column.</summary>
    public StarTable(IEnumerable<string> columns, IEnumerable<string[]> rows)
        : this(columns.Select(StripUnderscore).ToArray(), rows.ToArray(), null, null)
    {
        foreach (string[] row in Rows)
            if (row.Length != Columns.Count)
                throw new ArgumentException($"a row has {row.Length} values for {Columns.Count} columns", nameof(rows));
    }

    internal StarTable(string[] columns, string[][] rows, string? sourcePath, int[]? rowLines)
    {
        Columns = columns;
        Rows = rows;
        SourcePath = sourcePath;
        _rowLines = rowLines;
        for (int i = 0; i < columns.Length; i++)
            if (!_index.TryAdd(columns[i], i))
                throw new InputException(sourcePath, $"column _{columns[i]} appears twice");
    }

    /// <summary>Index of <paramref name="name"/> (with or without <c>_</c>); throws <see cref="InputException"/> when absent.</summary>
    public int ColumnIndex(string name)
    {
        if (TryColumn(name, out int i)) return i;
        throw new InputException(SourcePath, $"missing column _{StripUnderscore(name)} in block data_{BlockName}");
    }

    /// <summary>True when the table has <paramref name="name"/>; <paramref name="index"/> is its position.</summary>
    public bool TryColumn(string name, out int index) => _index.TryGetValue(StripUnderscore(name), out index);

    public bool HasColumn(string name) => _index.ContainsKey(StripUnderscore(name));

    /// <summary>1-based line of row <paramref name="row"/> in the source file, when known.</summary>
    public int? LineOf(int row) => _rowLines is null ? null : _rowLines[row];

    public string GetString(int row, int column) => Rows[row][column];

    public string GetString(int row, string column) => Rows[row][ColumnIndex(column)];

    /// <summary>
    /// The value as a finite number; a non-number, NaN or infinity throws <see cref="InputException"/> naming
    /// file, line and column (no numeric STAR column we read means anything when it is not finite, and a NaN
    /// accepted here would only surface later as NaN pixels).
    /// </summary>
    public double GetDouble(int row, int column)
    {
        string s = Rows[row][column];
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            if (double.IsFinite(v)) return v;
            throw new InputException(SourcePath, $"column _{Columns[column]}: '{s}' is not a finite number (row {row + 1} of data_{BlockName})", LineOf(row));
        }
        throw new InputException(SourcePath, $"column _{Columns[column]}: '{s}' is not a number (row {row + 1} of data_{BlockName})", LineOf(row));
    }

    public double GetDouble(int row, string column) => GetDouble(row, ColumnIndex(column));

    /// <summary>The value as an integer; a non-integer throws <see cref="InputException"/> naming file, line and column.</summary>
    public int GetInt(int row, int column)
    {
        string s = Rows[row][column];
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)) return v;
        // RELION sometimes writes integers as 1.000000.
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Round(d) && Math.Abs(d) <= int.MaxValue)
            return (int)d;
        throw new InputException(SourcePath, $"column _{Columns[column]}: '{s}' is not an integer (row {row + 1} of data_{BlockName})", LineOf(row));
    }

    public int GetInt(int row, string column) => GetInt(row, ColumnIndex(column));

    internal static string StripUnderscore(string name) => name.StartsWith('_') ? name[1..] : name;
}
