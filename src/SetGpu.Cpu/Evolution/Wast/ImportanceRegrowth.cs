using SetGpu.Rng;
using SetGpu.Sparse;

namespace SetGpu.Evolution.Wast;

/// <summary>
/// WAST's growth, truly sparse: the <c>count</c> empty positions (row, column) of a layer with the highest product of the
/// endpoint importances I(row) · I(column). Rows and columns are each sorted once by decreasing importance (equal
/// importances in an order drawn from the step's key, so that the many ties of WAST's hidden neurons, which all count 1,
/// are broken at random rather than towards low indices). A best-first walk then visits the positions of the product in
/// decreasing order (a heap holding at most one position per row: a position's right neighbour, and from a row's first
/// position the next row's first): it accepts each empty one (a binary search in the sorted CSR row) and stops at
/// <c>count</c>. It scores at most <c>count</c> + (taken positions it meets) positions, never the rows × columns matrix,
/// and leaves a row as soon as its empty positions are all accepted.
/// </summary>
public static class ImportanceRegrowth
{
    /// <summary>
    /// The new positions as a CSR pattern (rows sorted, unique) disjoint from <paramref name="taken"/>. A null importance
    /// counts 1 for every neuron. Also returns the positions scored.
    /// </summary>
    public static (CsrPattern Grown, long Scored) SelectTop(int rows, int columns, Occupancy taken, long count,
                                                          float[]? rowImportance, float[]? columnImportance, ulong key)
    {
        long positions = (long)rows * columns;
        if (count < 0 || count > positions - taken.Count)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"cannot place {count} connections: {positions - taken.Count} of {positions} positions are empty");
        if (count == 0) return (CsrPattern.Empty(rows), 0);
        var rowOrder = Order(rows, rowImportance, key, 0);
        var columnOrder = Order(columns, columnImportance, key, 1L << 32);
        var accepted = new long[count];
        var acceptedInRow = new int[rows];
        var emptyInRow = new int[rows];
        long found = 0, scored = 0;
        // Priority: the product, larger first; equal products by sorted row, then sorted column.
        var frontier = new PriorityQueue<(int I, int J), (float Product, int I, int J)>(
            Comparer<(float Product, int I, int J)>.Create((a, b) =>
                a.Product != b.Product ? b.Product.CompareTo(a.Product) : a.I != b.I ? a.I.CompareTo(b.I) : a.J.CompareTo(b.J)));
        void Push(int i, int j)
        {
            float product = (rowImportance?[rowOrder[i]] ?? 1f) * (columnImportance?[columnOrder[j]] ?? 1f);
            frontier.Enqueue((i, j), (product, i, j));
        }
        Push(0, 0);
        while (found < count && frontier.TryDequeue(out var at, out _))
        {
            var (i, j) = at;
            int row = rowOrder[i];
            if (j == 0)
            {
                emptyInRow[row] = columns - taken.TakenInRow(row);
                if (i + 1 < rows) Push(i + 1, 0);
            }
            if (emptyInRow[row] == acceptedInRow[row]) continue; // the row is full: none of its positions is scored
            int column = columnOrder[j];
            scored++;
            if (!taken.IsTaken(row, column))
            {
                accepted[found++] = (long)row * columns + column;
                acceptedInRow[row]++;
            }
            if (j + 1 < columns && acceptedInRow[row] < emptyInRow[row]) Push(i, j + 1);
        }
        Array.Sort(accepted);
        return (Regrowth.FromSortedPositions(rows, columns, accepted), scored);
    }

    /// <summary>Indices by decreasing importance, equal ones in the order of their hash under <paramref name="key"/>.</summary>
    static int[] Order(int n, float[]? importance, ulong key, long counterBase)
    {
        var order = new int[n];
        var hashes = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            hashes[i] = CounterRng.Hash(key, (ulong)(counterBase + i));
        }
        Array.Sort(order, (a, b) =>
        {
            float ia = importance?[a] ?? 1f, ib = importance?[b] ?? 1f;
            return ia != ib ? ib.CompareTo(ia) : hashes[a] != hashes[b] ? hashes[a].CompareTo(hashes[b]) : a.CompareTo(b);
        });
        return order;
    }
}
