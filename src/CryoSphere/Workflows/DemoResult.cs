namespace CryoSphere.Workflows;

/// <summary>What the demo measured, and whether each number met its threshold. CeilingR: the information ceiling of the hinge angle; Fit: the frame recovery before training.</summary>
public sealed record DemoResult(
    string OutDir, double AbsR, double MinAbsR, double? SegmentationAccuracy, double MinSegmentationAccuracy,
    int SegmentsFound, int SegmentsMoving, double Fsc0143, double Fsc05, double ClashesMean, int BaseClashes,
    double RmsdMean, double WallSeconds, string ReportPath, double? CeilingR = null, DemoFitResult? Fit = null)
{
    public bool Passed => AbsR >= MinAbsR && (SegmentationAccuracy ?? 1) >= MinSegmentationAccuracy;
}
