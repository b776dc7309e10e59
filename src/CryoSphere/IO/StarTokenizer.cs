namespace CryoSphere.IO;

/// <summary>One whitespace-separated value of a STAR/CIF line; quoted values keep their flag so a quoted
/// <c>'loop_'</c> or <c>'_x'</c> is read as data, not as a keyword.</summary>
internal readonly record struct StarToken(string Text, bool Quoted)
{
    /// <summary>True for an unquoted token that starts with <paramref name="prefix"/> (case-insensitive).</summary>
    public bool IsKeyword(string prefix) => !Quoted && Text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Splits one line of a STAR or CIF file into values. Quotes close only when followed by whitespace or the
/// end of the line (so <c>"O5'"</c> and <c>it's</c> survive); <c>#</c> at the start of a value begins a comment;
/// RELION's <c>[a,b,c]</c> vectors stay one value even if they contain spaces.
/// </summary>
internal static class StarTokenizer
{
    public static void Tokenize(string line, List<StarToken> tokens, string? file, int lineNumber, bool bracketLists = true)
    {
        tokens.Clear();
        int i = 0, n = line.Length;
        while (i < n)
        {
            char c = line[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '#') return;
            if (c == '\'' || c == '"')
            {
                int close = FindClosingQuote(line, i + 1, c);
                if (close < 0) throw new InputException(file, $"unterminated {c} quote", lineNumber);
                tokens.Add(new StarToken(line.Substring(i + 1, close - i - 1), true));
                i = close + 1;
                continue;
            }
            int start = i;
            if (c == '[' && bracketLists)
            {
                int end = FindClosingBracket(line, i);
                if (end > 0) i = end + 1;
            }
            while (i < n && !char.IsWhiteSpace(line[i])) i++;
            tokens.Add(new StarToken(line.Substring(start, i - start), false));
        }
    }

    private static int FindClosingQuote(string line, int from, char quote)
    {
        for (int j = from; j < line.Length; j++)
            if (line[j] == quote && (j + 1 == line.Length || char.IsWhiteSpace(line[j + 1]))) return j;
        return -1;
    }

    private static int FindClosingBracket(string line, int open)
    {
        int depth = 0;
        for (int j = open; j < line.Length; j++)
        {
            if (line[j] == '[') depth++;
            else if (line[j] == ']' && --depth == 0) return j;
        }
        return -1;
    }

    /// <summary>
    /// The text to write for <paramref name="value"/> so that <see cref="Tokenize"/> reads it back unchanged,
    /// or null when no quoting can (a value holding a newline, or both quote kinds before whitespace).
    /// </summary>
    public static string? Quote(string value)
    {
        if (value.Contains('\n') || value.Contains('\r')) return null;
        if (!NeedsQuotes(value)) return value;
        foreach (char q in "'\"")
            if (FindClosingQuote(value, 0, q) < 0 && !value.EndsWith(q)) return q + value + q;
        return null;
    }

    private static bool NeedsQuotes(string value)
    {
        if (value.Length == 0) return true;
        char c = value[0];
        if (c is '\'' or '"' or '#' or '_' or ';' or '$') return true;
        if (value.StartsWith("data_", StringComparison.OrdinalIgnoreCase) || value.StartsWith("save_", StringComparison.OrdinalIgnoreCase)
            || value.Equals("loop_", StringComparison.OrdinalIgnoreCase) || value.Equals("stop_", StringComparison.OrdinalIgnoreCase))
            return true;
        foreach (char ch in value)
            if (char.IsWhiteSpace(ch)) return true;
        // A bracket value must read back as exactly this text, which the bracket rule only guarantees when it closes.
        if (c == '[' && FindClosingBracket(value, 0) != value.Length - 1) return true;
        return false;
    }
}
