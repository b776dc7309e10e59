namespace CryoSphere.IO;

/// <summary>Running min/max/mean/rms of written voxels, for the MRC header.</summary>
internal struct MrcStats
{
    private double _sum, _sumSq;
    private long _n;
    private float _min, _max;

    public void Add(ReadOnlySpan<float> values)
    {
        if (_n == 0 && values.Length > 0) { _min = values[0]; _max = values[0]; }
        double s = 0, s2 = 0;
        float lo = _min, hi = _max;
        foreach (float v in values)
        {
            s += v;
            s2 += (double)v * v;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        _min = lo; _max = hi; _sum += s; _sumSq += s2; _n += values.Length;
    }

    public readonly float Min => _min;
    public readonly float Max => _max;
    public readonly float Mean => _n == 0 ? 0 : (float)(_sum / _n);

    /// <summary>RMS deviation from the mean, as MRC2014 defines word 55.</summary>
    public readonly float Rms
    {
        get
        {
            if (_n == 0) return 0;
            double m = _sum / _n;
            return (float)Math.Sqrt(Math.Max(0, _sumSq / _n - m * m));
        }
    }
}
