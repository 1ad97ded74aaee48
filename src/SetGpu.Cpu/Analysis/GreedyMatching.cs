namespace SetGpu.Analysis;

/// <summary>
/// The approximate matching for layers too wide for a full cost matrix. Two neurons that share no input are at Jaccard
/// distance 1 (unless both are empty), so only pairs that share an input can beat it: each neuron of the first layer
/// keeps its <c>candidates</c> cheapest such partners, the pairs are taken cheapest first while both ends are free,
/// empty neurons are paired with empty ones, and what is left is paired in index order. Memory is O(neurons ×
/// candidates), never neurons². The matching is a valid one and its mean cost is computed exactly, so the result is an
/// upper bound on the exact layer distance (for the same renaming of inputs); its error is measured in the
/// <c>nnstd-speed</c> benchmark and in the tests.
/// </summary>
internal static class GreedyMatching
{
    public static (double Distance, int[] Partner) Match(NeuronSets sets, int candidates)
    {
        int n = sets.Neurons;
        if (n == 0) return (0, []);
        var pairs = CheapestPairs(sets, Math.Max(1, candidates));
        pairs.Sort();

        var partner = Enumerable.Repeat(-1, n).ToArray();
        var taken = new bool[n];
        double total = 0;
        foreach (var (cost, r, c) in pairs)
        {
            if (partner[r] >= 0 || taken[c]) continue;
            partner[r] = c;
            taken[c] = true;
            total += cost;
        }

        // Empty neurons with empty ones (cost 0), then the rest in index order at their exact cost.
        var freeRows = Enumerable.Range(0, n).Where(r => partner[r] < 0).ToList();
        var freeColumns = Enumerable.Range(0, n).Where(c => !taken[c]).ToList();
        var emptyRows = new Queue<int>(freeRows.Where(r => sets.SizeOf1(r) == 0));
        var emptyColumns = new Queue<int>(freeColumns.Where(c => sets.SizeOf2(c) == 0));
        while (emptyRows.Count > 0 && emptyColumns.Count > 0)
        {
            int r = emptyRows.Dequeue(), c = emptyColumns.Dequeue();
            partner[r] = c;
            taken[c] = true;
        }
        var marks = new bool[sets.Inputs];
        int next = 0;
        foreach (int r in freeRows)
        {
            if (partner[r] >= 0) continue;
            while (taken[freeColumns[next]]) next++;
            int c = freeColumns[next++];
            partner[r] = c;
            taken[c] = true;
            total += NeuronSets.Jaccard(sets.SizeOf1(r), sets.SizeOf2(c), sets.Intersection(r, c, marks));
        }
        return (total / n, partner);
    }

    /// <summary>Each row's cheapest partners among those that share an input with it, as (cost, row, column).</summary>
    static List<(double Cost, int Row, int Column)> CheapestPairs(NeuronSets sets, int candidates)
    {
        int n = sets.Neurons;
        var pairs = new List<(double, int, int)>();
        var counts = new int[n];
        var touched = new int[n];
        var row = new List<(double Cost, int Column)>();
        for (int r = 0; r < n; r++)
        {
            int listed = sets.Intersections(r, counts, touched);
            int a = sets.SizeOf1(r);
            row.Clear();
            for (int k = 0; k < listed; k++)
            {
                int c = touched[k];
                row.Add((NeuronSets.Jaccard(a, sets.SizeOf2(c), counts[c]), c));
                counts[c] = 0;
            }
            row.Sort();
            for (int k = 0; k < Math.Min(candidates, row.Count); k++) pairs.Add((row[k].Cost, r, row[k].Column));
        }
        return pairs;
    }
}
