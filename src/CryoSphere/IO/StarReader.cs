using System.Text;

namespace CryoSphere.IO;

/// <summary>Line-by-line STAR parser behind <see cref="StarFile.Read"/>.</summary>
internal static class StarReader
{
    private enum State { BeforeData, Block, LoopHeader, LoopRows }

    public static StarFile Read(string path)
    {
        TextFileCheck.EnsureText(path, "STAR");
        var blocks = new List<StarBlock>();
        var tokens = new List<StarToken>();

        string? name = null;
        int nameLine = 0;
        List<KeyValuePair<string, string>> pairs = [];
        List<string>? columns = null;
        List<string[]> rows = [];
        List<int> rowLines = [];
        var state = State.BeforeData;

        void Flush()
        {
            if (name is null) return;
            if (columns is not null && columns.Count == 0)
                throw new InputException(path, $"loop_ without columns in block data_{name}", nameLine);
            StarTable? table = columns is null ? null : new StarTable(columns.ToArray(), rows.ToArray(), path, rowLines.ToArray());
            blocks.Add(new StarBlock(name, pairs, table));
            pairs = [];
            columns = null;
            rows = [];
            rowLines = [];
        }

        using var reader = new StreamReader(path, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        int lineNo = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNo++;
            StarTokenizer.Tokenize(line, tokens, path, lineNo);
            if (tokens.Count == 0) continue;
            StarToken first = tokens[0];

            if (first.IsKeyword("data_"))
            {
                Flush();
                if (tokens.Count > 1) throw new InputException(path, $"unexpected '{tokens[1].Text}' after {first.Text}", lineNo);
                name = first.Text[5..];
                nameLine = lineNo;
                state = State.Block;
                continue;
            }
            if (state == State.BeforeData)
                throw new InputException(path, $"'{first.Text}' before the first data_ block", lineNo);

            if (first.IsKeyword("loop_") && first.Text.Length == 5)
            {
                if (columns is not null) throw new InputException(path, $"a second loop_ in block data_{name}", lineNo);
                if (tokens.Count > 1) throw new InputException(path, $"unexpected '{tokens[1].Text}' after loop_", lineNo);
                columns = [];
                nameLine = lineNo;
                state = State.LoopHeader;
                continue;
            }
            if (first.IsKeyword("_"))
            {
                if (state == State.LoopHeader)
                {
                    if (tokens.Count > 1) throw new InputException(path, $"unexpected '{tokens[1].Text}' after column {first.Text}", lineNo);
                    columns!.Add(first.Text[1..]);
                    continue;
                }
                if (tokens.Count != 2)
                    throw new InputException(path, $"{first.Text} needs exactly one value, found {tokens.Count - 1}", lineNo);
                pairs.Add(KeyValuePair.Create(first.Text[1..], tokens[1].Text));
                if (state == State.LoopRows) state = State.Block;
                continue;
            }
            if (state is State.LoopHeader or State.LoopRows && columns!.Count > 0)
            {
                if (tokens.Count != columns.Count)
                    throw new InputException(path, $"row has {tokens.Count} values but data_{name} has {columns.Count} columns", lineNo);
                var row = new string[tokens.Count];
                for (int i = 0; i < row.Length; i++) row[i] = tokens[i].Text;
                rows.Add(row);
                rowLines.Add(lineNo);
                state = State.LoopRows;
                continue;
            }
            throw new InputException(path, $"unexpected value '{first.Text}' outside a loop_ in block data_{name}", lineNo);
        }
        Flush();
        if (blocks.Count == 0) throw new InputException(path, "no data_ block (not a STAR file?)");
        return new StarFile(blocks, path);
    }
}
