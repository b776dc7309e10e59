namespace CryoSphere.Training;

/// <summary>What a checkpoint records besides the weights: where training stands and how images were prepared.</summary>
public sealed record CheckpointMeta
{
    /// <summary>Epoch to run next (0-based), or the epoch in progress when <see cref="Batch"/> &gt; 0.</summary>
    public int Epoch { get; init; }
    /// <summary>Next batch of <see cref="Epoch"/> (0 = the epoch starts from scratch).</summary>
    public int Batch { get; init; }
    public int Seed { get; init; }
    /// <summary>Batch size the run was started with (0 in checkpoints older than this field): the mid-epoch position counts batches of this size.</summary>
    public int BatchSize { get; init; }
    /// <summary>Particles trained on (0 in older checkpoints): a data file that changed under the run shows as another count.</summary>
    public int Particles { get; init; }
    public double ImageMean { get; init; }
    public double ImageStd { get; init; } = 1;
    /// <summary>Side of the images the model sees (after downsampling).</summary>
    public int ImageSide { get; init; }
    /// <summary>Side of the encoder's input (0 in older checkpoints: <see cref="ImageSide"/>).</summary>
    public int EncoderSide { get; init; }
    /// <summary>What the encoder reads (<see cref="TrainOptions.EncoderInput"/>; null in older checkpoints: the image).</summary>
    public string? EncoderInput { get; init; }
    /// <summary>Pixel size of the images the model sees, Å.</summary>
    public double PixelSize { get; init; }
    /// <summary>Running sums of the epoch in progress (for a checkpoint written mid-epoch).</summary>
    public Dictionary<string, double> PartialSums { get; init; } = [];
    public long PartialImages { get; init; }
    public int SkippedSteps { get; init; }
    /// <summary>Data-parallel ranks that wrote it (0 in older checkpoints: one); a mid-epoch position counts batches of <see cref="BatchSize"/> × ranks.</summary>
    public int Ranks { get; init; }
    public double ElapsedSeconds { get; init; }
}
