namespace CryoSphere.Workflows;

/// <summary>What the demo measured, and whether each number met its threshold.</summary>
public sealed record DemoResult(
    string OutDir, double AbsR, double MinAbsR, double? SegmentationAccuracy, double MinSegmentationAccuracy,
    int SegmentsFound, int SegmentsMoving, double Fsc0143, double Fsc05, double ClashesMean, int BaseClashes,
    double RmsdMean, double WallSeconds, string ReportPath)
{
    public bool Passed => AbsR >= MinAbsR && (SegmentationAccuracy ?? 1) >= MinSegmentationAccuracy;
}
