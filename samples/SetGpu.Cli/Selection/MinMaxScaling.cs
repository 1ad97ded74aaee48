using SetGpu.Data;

namespace SetGpu.Cli.Selection;

/// <summary>
/// Each feature scaled to [0, 1] by the training split's minimum and maximum (test values clipped to it): the range a
/// sigmoid reconstruction can reach. A constant feature becomes 0.
/// </summary>
internal static class MinMaxScaling
{
    public static DatasetSplit Apply(DatasetSplit split)
    {
        var train = split.Train;
        int d = train.FeatureCount;
        var min = Enumerable.Repeat(float.PositiveInfinity, d).ToArray();
        var max = Enumerable.Repeat(float.NegativeInfinity, d).ToArray();
        for (int s = 0; s < train.Samples; s++)
        {
            var x = train.Sample(s);
            for (int f = 0; f < d; f++) { min[f] = MathF.Min(min[f], x[f]); max[f] = MathF.Max(max[f], x[f]); }
        }
        Dataset Scale(Dataset data)
        {
            var values = new float[data.Features.Length];
            for (int s = 0; s < data.Samples; s++)
                for (int f = 0; f < d; f++)
                {
                    float range = max[f] - min[f];
                    float v = range > 0 ? (data.Features[(long)s * d + f] - min[f]) / range : 0f;
                    values[(long)s * d + f] = Math.Clamp(v, 0f, 1f);
                }
            return new Dataset(data.Name, values, data.Labels, d, data.Classes, data.ImageShape, data.PixelOrder);
        }
        return new DatasetSplit(Scale(train), Scale(split.Test));
    }
}
