namespace SetGpu.Analysis;

/// <summary>Features ranked by an importance score, most important first.</summary>
public static class FeatureRanking
{
    /// <summary>
    /// Feature indices in order of decreasing <paramref name="importance"/>; equal scores keep index order, so a ranking is
    /// reproducible. A NaN score is an error (a network that diverged has no ranking).
    /// </summary>
    public static int[] Rank(ReadOnlySpan<float> importance)
    {
        for (int i = 0; i < importance.Length; i++)
            if (float.IsNaN(importance[i])) throw new ArgumentException($"importance of feature {i} is NaN");
        var scores = importance.ToArray();
        var order = Enumerable.Range(0, scores.Length).ToArray();
        Array.Sort(order, (a, b) => scores[b] != scores[a] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        return order;
    }
}
