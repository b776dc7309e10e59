namespace CryoSphere.Training;

/// <summary>Progress of a training run, reported after every batch and at the end of each epoch.</summary>
public sealed record TrainProgress(
    int Epoch, int Epochs, int Batch, int Batches, double Loss, double Correlation,
    double ImagesPerSecond, TimeSpan Elapsed, TimeSpan? Remaining, bool EpochDone, string? Message = null);
