using System.Text;
using System.Text.Json;
using CryoSphere.Distributed;
using CryoSphere.IO;
using CryoSphere.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CryoSphere.Training;

/// <summary>
/// A training checkpoint in one file, written atomically: a small JSON header
/// (<see cref="CheckpointMeta"/>), the model's weights, the optimiser's state and the random
/// generator's state, so a resumed run continues exactly where it stopped. The per-image latent tables are always
/// whole in the file, whatever number of ranks held them in shards (<see cref="LatentShards"/>): a sharded run writes
/// with the whole tables gathered in place (<see cref="LatentShards.WholeOnRoot"/>), and loading into a shard keeps its rows.
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] Magic = "CSCKPT01"u8.ToArray();

    public static void Save(string path, CheckpointMeta meta, nn.Module model, OptimizerHelper? optimizer, Generator? generator)
    {
        if (model is VaeModel { Latents: { } l } && l.RowTables[0].shape[0] != l.ImageCount)
            throw new InvalidOperationException("a shard of the latent tables would be written as the whole: gather them first (LatentShards.WholeOnRoot)");
        AtomicFile.Write(path, s =>
        {
            using var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(meta);
            w.Write(json.Length);
            w.Write(json);
            WriteBlock(w, bw => model.save(bw));
            WriteBlock(w, bw => optimizer?.save_state_dict(bw));
            WriteBlock(w, bw =>
            {
                if (generator is null) return;
                using var st = generator.get_state();
                bw.Write(st.data<byte>().ToArray());
            });
        }, durable: true);
    }

    private static void WriteBlock(BinaryWriter w, Action<BinaryWriter> body)
    {
        using var ms = new MemoryStream();
        using (var bw = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) body(bw);
        w.Write(ms.Length);
        ms.Position = 0;
        ms.CopyTo(w.BaseStream);
    }

    /// <summary>Reads only the header.</summary>
    public static CheckpointMeta ReadMeta(string path)
    {
        using var fs = OpenChecked(path, out var r);
        return ReadHeader(path, r);
    }

    /// <summary>Loads weights (and optimiser and generator state when given) and returns the header.</summary>
    public static CheckpointMeta Load(string path, nn.Module model, OptimizerHelper? optimizer = null, Generator? generator = null)
    {
        using var guard = NativeCallGuard.Enter();
        using var fs = OpenChecked(path, out var r);
        var meta = ReadHeader(path, r);
        // A shard reads the whole tables into stand-ins and keeps its own rows.
        var shard = model is VaeModel { Latents: { IsShard: true } l } ? l : null;
        using var whole = shard is null ? null : new TableSwap(shard, optimizer, null, shard.ImageCount);
        try
        {
            byte[] m = ReadBlock(path, r);
            using (var br = new BinaryReader(new MemoryStream(m))) model.load(br);
            byte[] o = ReadBlock(path, r);
            if (optimizer is not null && o.Length > 0)
                using (var br = new BinaryReader(new MemoryStream(o))) optimizer.load_state_dict(br);
            byte[] g = ReadBlock(path, r);
            if (generator is not null && g.Length > 0)
            {
                using var st = tensor(g, dtype: ScalarType.Byte);
                generator.set_state(st);
            }
            whole?.KeepRows(shard!.Rows);
        }
        // A state dict of other shapes (ArgumentException from TorchSharp), a short block (EndOfStream), or a
        // native load error; anything else is a bug, not a bad checkpoint.
        catch (Exception e) when (e is ArgumentException or EndOfStreamException or IOException or InvalidDataException
            or FormatException or KeyNotFoundException or System.Runtime.InteropServices.ExternalException)
        {
            throw new InputException(path, $"checkpoint does not fit this model or is corrupt ({e.Message.Split('\n')[0]})");
        }
        return meta;
    }

    private static FileStream OpenChecked(string path, out BinaryReader r)
    {
        FileStream fs;
        try
        {
            fs = File.OpenRead(path);
        }
        // Also when it is deleted between a listing and the open (a training run pruning with --keep).
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException(path, "checkpoint not found");
        }
        r = new BinaryReader(fs, Encoding.UTF8, leaveOpen: true);
        byte[] magic = r.ReadBytes(Magic.Length);
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            fs.Dispose();
            throw new InputException(path, "not a CryoSphere checkpoint");
        }
        return fs;
    }

    private static CheckpointMeta ReadHeader(string path, BinaryReader r)
    {
        try
        {
            int n = r.ReadInt32();
            return JsonSerializer.Deserialize<CheckpointMeta>(r.ReadBytes(n)) ?? throw new InputException(path, "empty checkpoint header");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InputException(path, "checkpoint is truncated or corrupt");
        }
    }

    private static byte[] ReadBlock(string path, BinaryReader r)
    {
        long n = r.ReadInt64();
        if (n < 0 || n > r.BaseStream.Length - r.BaseStream.Position) throw new InputException(path, "checkpoint is truncated or corrupt");
        return r.ReadBytes((int)n);
    }
}
