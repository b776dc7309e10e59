namespace CryoSphere.IO;

/// <summary>Text output of <see cref="StarFile.Write"/>: pairs, then <c>loop_</c> with aligned columns.</summary>
internal static class StarWriter
{
    public static void Write(StarFile file, TextWriter w, string path)
    {
        w.WriteLine("# Written by CryoSphere");
        foreach (var block in file.Blocks)
        {
            w.WriteLine();
            w.WriteLine("data_" + block.Name);
            w.WriteLine();
            foreach (var p in block.Pairs)
                w.WriteLine($"_{p.Key} {Quote(p.Value, path)}");
            if (block.Pairs.Count > 0) w.WriteLine();
            if (block.Loop is { } table) WriteLoop(table, w, path);
        }
    }

    private static void WriteLoop(StarTable table, TextWriter w, string path)
    {
        w.WriteLine("loop_");
        for (int c = 0; c < table.Columns.Count; c++)
            w.WriteLine($"_{table.Columns[c]} #{c + 1}");
        var widths = new int[table.Columns.Count];
        var text = new string[table.RowCount][];
        for (int r = 0; r < table.RowCount; r++)
        {
            var row = table.Rows[r];
            text[r] = new string[row.Length];
            for (int c = 0; c < row.Length; c++)
            {
                text[r][c] = Quote(row[c], path);
                widths[c] = Math.Max(widths[c], text[r][c].Length);
            }
        }
        var line = new System.Text.StringBuilder();
        foreach (var row in text)
        {
            line.Clear();
            for (int c = 0; c < row.Length; c++)
            {
                if (c > 0) line.Append(' ');
                line.Append(row[c].PadLeft(widths[c]));
            }
            w.WriteLine(line);
        }
        w.WriteLine();
    }

    private static string Quote(string value, string path) =>
        StarTokenizer.Quote(value) ?? throw new InputException(path, $"value cannot be written to STAR (newline or mixed quotes): {value}");
}
