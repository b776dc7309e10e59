using System.Globalization;
using System.Text;

namespace CryoSphere.IO;

/// <summary>
/// Parses the Python literal in a .npy header: dicts, lists, tuples, quoted strings, integers,
/// True/False/None. Dicts become Dictionary&lt;string, object?&gt;, lists List&lt;object?&gt;,
/// tuples object?[], integers long.
/// </summary>
internal sealed class NpyHeaderParser
{
    private readonly string _s;
    private readonly string _path;
    private int _i;

    private NpyHeaderParser(string s, string path) { _s = s; _path = path; }

    public static object? Parse(string text, string path)
    {
        var p = new NpyHeaderParser(text, path);
        var v = p.Value();
        p.SkipSpace();
        if (p._i != p._s.Length) throw p.Error("unexpected text after the header literal");
        return v;
    }

    private InputException Error(string what) => new(_path, $"bad .npy header at character {_i}: {what}");

    private void SkipSpace()
    {
        while (_i < _s.Length && char.IsWhiteSpace(_s[_i])) _i++;
    }

    private char Peek()
    {
        SkipSpace();
        if (_i >= _s.Length) throw Error("unexpected end");
        return _s[_i];
    }

    private void Expect(char c)
    {
        if (Peek() != c) throw Error($"expected '{c}'");
        _i++;
    }

    private object? Value()
    {
        char c = Peek();
        switch (c)
        {
            case '{':
            {
                _i++;
                var d = new Dictionary<string, object?>();
                while (Peek() != '}')
                {
                    if (Value() is not string key) throw Error("dict key is not a string");
                    Expect(':');
                    d[key] = Value();
                    if (Peek() == ',') _i++;
                }
                _i++;
                return d;
            }
            case '[':
            case '(':
            {
                char close = c == '[' ? ']' : ')';
                _i++;
                var items = new List<object?>();
                while (Peek() != close)
                {
                    items.Add(Value());
                    if (Peek() == ',') _i++;
                    else if (Peek() != close) throw Error($"expected ',' or '{close}'");
                }
                _i++;
                return c == '[' ? items : items.ToArray();
            }
            case '\'':
            case '"':
                return Str(c);
            default:
                if (c == '-' || char.IsDigit(c)) return Int();
                return Word();
        }
    }

    private string Str(char quote)
    {
        _i++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_i >= _s.Length) throw Error("unterminated string");
            char c = _s[_i++];
            if (c == quote) return sb.ToString();
            if (c == '\\' && _i < _s.Length) c = _s[_i++];
            sb.Append(c);
        }
    }

    private long Int()
    {
        int start = _i;
        if (_s[_i] == '-') _i++;
        while (_i < _s.Length && char.IsDigit(_s[_i])) _i++;
        if (_i < _s.Length && _s[_i] == 'L') _i++; // Python 2 long suffix
        if (!long.TryParse(_s.AsSpan(start, _i - start).TrimEnd('L'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
            throw Error("bad integer");
        return v;
    }

    private object? Word()
    {
        int start = _i;
        while (_i < _s.Length && char.IsLetter(_s[_i])) _i++;
        return _s[start.._i] switch
        {
            "True" => true,
            "False" => false,
            "None" => null,
            var w => throw Error($"unexpected '{w}'"),
        };
    }
}
