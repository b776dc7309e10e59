using System.Globalization;
using System.Text;

namespace CryoSphere.IO;

/// <summary>
/// Reads the <c>_atom_site</c> loop of an mmCIF file (skipping every other category, including multi-line
/// <c>;</c> text fields). Uses the <c>auth_*</c> ids for chains and residue numbers, <c>label_*</c> when absent.
/// </summary>
internal static class MmCifReader
{
    public static List<AtomicModel> Read(string path, bool firstModelOnly)
    {
        TextFileCheck.EnsureText(path, "mmCIF");
        var tokens = new List<StarToken>();
        using var reader = new StreamReader(path, new UTF8Encoding(false, false), true, 1 << 16);
        int lineNo = 0;
        bool inText = false, pendingLoop = false;
        List<string>? tags = null;
        AtomSiteRows? rows = null;
        var textField = new StringBuilder();

        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNo++;
            if (line.StartsWith(';'))
            {
                if (!inText) { inText = true; textField.Clear().Append(line, 1, line.Length - 1); continue; }
                inText = false;
                rows?.Add(new StarToken(textField.ToString(), true), lineNo);
                continue;
            }
            if (inText) { textField.Append('\n').Append(line); continue; }

            StarTokenizer.Tokenize(line, tokens, path, lineNo, bracketLists: false);
            foreach (var token in tokens)
            {
                if (token.IsKeyword("loop_") && token.Text.Length == 5 || token.IsKeyword("data_") || token.IsKeyword("save_"))
                {
                    if (rows is not null) return rows.Finish();
                    pendingLoop = token.IsKeyword("loop_");
                    tags = null;
                    continue;
                }
                if (token.IsKeyword("_"))
                {
                    if (rows is not null) return rows.Finish();
                    if (pendingLoop)
                    {
                        tags ??= [];
                        tags.Add(token.Text);
                    }
                    continue;
                }
                if (pendingLoop && tags is not null)
                {
                    pendingLoop = false;
                    if (tags[0].StartsWith("_atom_site.", StringComparison.OrdinalIgnoreCase))
                        rows = new AtomSiteRows(path, tags, firstModelOnly);
                }
                rows?.Add(token, lineNo);
            }
        }
        if (inText) throw new InputException(path, "unterminated ; text field at end of file", lineNo);
        if (rows is not null) return rows.Finish();
        throw new InputException(path, "no _atom_site loop (not an mmCIF coordinate file?)");
    }

    /// <summary>Collects <c>_atom_site</c> values row by row and turns each complete row into an atom.</summary>
    private sealed class AtomSiteRows
    {
        private readonly string _path;
        private readonly bool _firstModelOnly;
        private readonly string?[] _row;
        private int _filled, _rowLine;
        private readonly Dictionary<string, AtomicModelBuilder> _models = [];
        private readonly List<string> _modelOrder = [];
        private readonly int _group, _id, _type, _atom, _alt, _comp, _asym, _seq, _labelSeq, _ins, _x, _y, _z, _occ, _b, _charge, _model;

        public AtomSiteRows(string path, List<string> tags, bool firstModelOnly)
        {
            _path = path;
            _firstModelOnly = firstModelOnly;
            _row = new string?[tags.Count];
            var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < tags.Count; i++) index.TryAdd(tags[i]["_atom_site.".Length..], i);
            int Optional(params string[] names)
            {
                foreach (string n in names)
                    if (index.TryGetValue(n, out int i)) return i;
                return -1;
            }
            int Required(params string[] names)
            {
                int i = Optional(names);
                return i >= 0 ? i : throw new InputException(path, $"_atom_site loop lacks _atom_site.{names[^1]}");
            }
            _group = Optional("group_PDB");
            _id = Optional("id");
            _type = Optional("type_symbol");
            _atom = Required("auth_atom_id", "label_atom_id");
            _alt = Optional("label_alt_id", "auth_alt_id");
            _comp = Required("auth_comp_id", "label_comp_id");
            _asym = Required("auth_asym_id", "label_asym_id");
            _seq = Required("auth_seq_id", "label_seq_id");
            _labelSeq = Optional("label_seq_id");
            _ins = Optional("pdbx_PDB_ins_code");
            _x = Required("Cartn_x");
            _y = Required("Cartn_y");
            _z = Required("Cartn_z");
            _occ = Optional("occupancy");
            _b = Optional("B_iso_or_equiv");
            _charge = Optional("pdbx_formal_charge");
            _model = Optional("pdbx_PDB_model_num");
        }

        public void Add(StarToken token, int line)
        {
            if (_filled == 0) _rowLine = line;
            // ? and . mean "unknown" and "not applicable" unless quoted.
            _row[_filled++] = !token.Quoted && token.Text is "?" or "." ? null : token.Text;
            if (_filled == _row.Length)
            {
                _filled = 0;
                AddAtom();
            }
        }

        private void AddAtom()
        {
            string model = Get(_model) ?? "1";
            if (!_models.TryGetValue(model, out var builder))
            {
                if (_firstModelOnly && _models.Count > 0) return;
                builder = new AtomicModelBuilder(_path);
                _models[model] = builder;
                _modelOrder.Add(model);
            }
            string atomName = Get(_atom) ?? throw Bad("atom name is missing");
            string residueName = Get(_comp) ?? throw Bad("residue name is missing");
            string seqText = Get(_seq) ?? Get(_labelSeq) ?? throw Bad("residue number is missing");
            if (!int.TryParse(seqText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seq))
                throw Bad($"residue number '{seqText}' is not an integer");
            string? type = Get(_type);
            var atom = new Atom
            {
                Serial = int.TryParse(Get(_id), NumberStyles.Integer, CultureInfo.InvariantCulture, out int serial) ? serial : builder.AtomCount + 1,
                Name = atomName,
                AltLoc = Get(_alt) ?? "",
                Element = type is not null ? ResidueTables.NormalizeElement(type) : InferElement(atomName, residueName),
                X = Coordinate(_x, "Cartn_x"),
                Y = Coordinate(_y, "Cartn_y"),
                Z = Coordinate(_z, "Cartn_z"),
                Occupancy = Number(Get(_occ), 1.0),
                BFactor = Number(Get(_b), 0.0),
                Charge = (int)Number(Get(_charge), 0.0),
            };
            bool hetero = string.Equals(Get(_group), "HETATM", StringComparison.OrdinalIgnoreCase);
            builder.Add(Get(_asym) ?? "", residueName, seq, Get(_ins) ?? "", hetero, atom);
        }

        public List<AtomicModel> Finish()
        {
            if (_filled != 0)
                throw new InputException(_path, $"_atom_site loop ends inside a row ({_filled} of {_row.Length} values)", _rowLine);
            var models = _modelOrder.Select(m => _models[m]).Where(b => b.AtomCount > 0).Select(b => b.Build()).ToList();
            if (models.Count == 0) throw new InputException(_path, "the _atom_site loop holds no atoms");
            return models;
        }

        private string? Get(int column) => column < 0 ? null : _row[column];

        private double Coordinate(int column, string name)
        {
            string? s = Get(column);
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
            throw Bad($"_atom_site.{name} '{s ?? "?"}' is not a number");
        }

        private static double Number(string? s, double fallback) =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : fallback;

        private InputException Bad(string problem) => new(_path, problem, _rowLine);

        private static string InferElement(string atomName, string residueName)
        {
            if (atomName == residueName && ResidueTables.IsKnownElement(atomName)) return ResidueTables.NormalizeElement(atomName);
            return ResidueTables.InferElement(" " + atomName.PadRight(3), residueName);
        }
    }
}
