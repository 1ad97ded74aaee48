using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SetGpu.Analysis;

/// <summary>
/// The exact minimum-cost linear assignment (the Hungarian problem) of a rectangular cost matrix, by shortest
/// augmenting paths with dual potentials (Jonker–Volgenant; Crouse's variant, the one SciPy's
/// <c>linear_sum_assignment</c> uses): one Dijkstra search per row over reduced costs, O(n² m) at worst, much less on
/// costs with many ties such as Jaccard distances. Costs are read in place; no copy is made unless rows outnumber columns.
/// </summary>
public static class LinearAssignment
{
    /// <summary>
    /// For each row of <paramref name="cost"/>, the column assigned to it, so that the total cost of the assigned pairs
    /// is least: every row gets a distinct column when rows ≤ columns; when rows outnumber columns, every column gets
    /// one row and the other rows get −1. Costs must be finite numbers.
    /// </summary>
    /// <exception cref="ArgumentException">A cost is NaN or infinite.</exception>
    public static int[] Solve(double[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        var flat = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(cost)), cost.Length);
        return Solve(flat, rows, columns);
    }

    /// <summary>
    /// <see cref="Solve(double[,])"/> for a cost matrix stored row after row in <paramref name="cost"/>
    /// (<paramref name="rows"/> × <paramref name="columns"/>).
    /// </summary>
    public static int[] Solve(ReadOnlySpan<double> cost, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (cost.Length != (long)rows * columns)
            throw new ArgumentException($"the cost array holds {cost.Length} values, not {rows} × {columns}", nameof(cost));
        for (int k = 0; k < cost.Length; k++)
            if (!double.IsFinite(cost[k]))
                throw new ArgumentException($"cost[{k / columns}, {k % columns}] is {cost[k]}: costs must be finite", nameof(cost));
        if (rows == 0 || columns == 0) return Enumerable.Repeat(-1, rows).ToArray();
        if (rows <= columns) return SolveWide(cost, rows, columns);

        // More rows than columns: assign every column a row in the transposed problem, then read it back per row.
        var transposed = new double[(long)rows * columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                transposed[(long)c * rows + r] = cost[r * columns + c];
        var rowOfColumn = SolveWide(transposed, columns, rows);
        var columnOfRow = Enumerable.Repeat(-1, rows).ToArray();
        for (int c = 0; c < columns; c++) columnOfRow[rowOfColumn[c]] = c;
        return columnOfRow;
    }

    /// <summary>The assignment's total cost: the sum of <c>cost[r, assignment[r]]</c> over the assigned rows.</summary>
    public static double TotalCost(double[,] cost, int[] assignment)
    {
        double total = 0;
        for (int r = 0; r < assignment.Length; r++)
            if (assignment[r] >= 0) total += cost[r, assignment[r]];
        return total;
    }

    /// <summary>Rows ≤ columns: each row in turn is joined to the matching by one shortest augmenting path.</summary>
    static int[] SolveWide(ReadOnlySpan<double> cost, int rows, int columns)
    {
        var u = new double[rows];
        var v = new double[columns];
        var shortest = new double[columns];
        var path = new int[columns];
        var columnOfRow = Enumerable.Repeat(-1, rows).ToArray();
        var rowOfColumn = Enumerable.Repeat(-1, columns).ToArray();
        var rowSeen = new bool[rows];
        var columnSeen = new bool[columns];
        var remaining = new int[columns];

        for (int current = 0; current < rows; current++)
        {
            int sink = ShortestAugmentingPath(cost, columns, u, v, path, rowOfColumn, shortest, current,
                                              rowSeen, columnSeen, remaining, out double minimum);

            // Update the duals so that reduced costs stay non-negative and the new path's edges are tight.
            u[current] += minimum;
            for (int i = 0; i < rows; i++)
                if (rowSeen[i] && i != current) u[i] += minimum - shortest[columnOfRow[i]];
            for (int j = 0; j < columns; j++)
                if (columnSeen[j]) v[j] -= minimum - shortest[j];

            // Flip the path: every column on it takes the row that reached it.
            for (int j = sink; ;)
            {
                int i = path[j];
                rowOfColumn[j] = i;
                (columnOfRow[i], j) = (j, columnOfRow[i]);
                if (i == current) break;
            }
        }
        return columnOfRow;
    }

    /// <summary>
    /// Dijkstra over reduced costs from row <paramref name="start"/> to the nearest free column; returns that column
    /// and, in <paramref name="minimum"/>, its distance. Among equal distances a free column wins, which ends the
    /// search early on costs with many ties.
    /// </summary>
    static int ShortestAugmentingPath(ReadOnlySpan<double> cost, int columns, double[] u, double[] v, int[] path,
                                      int[] rowOfColumn, double[] shortest, int start, bool[] rowSeen, bool[] columnSeen,
                                      int[] remaining, out double minimum)
    {
        minimum = 0;
        int left = columns;
        for (int k = 0; k < columns; k++) remaining[k] = columns - k - 1;
        Array.Clear(rowSeen);
        Array.Clear(columnSeen);
        Array.Fill(shortest, double.PositiveInfinity);

        int i = start, sink = -1;
        while (sink == -1)
        {
            rowSeen[i] = true;
            int best = -1;
            double lowest = double.PositiveInfinity;
            var row = cost.Slice(i * columns, columns);
            double ui = u[i];
            for (int k = 0; k < left; k++)
            {
                int j = remaining[k];
                // SciPy's order of operations, so that both pick the same optimum among ties.
                double reduced = minimum + row[j] - ui - v[j];
                if (reduced < shortest[j])
                {
                    path[j] = i;
                    shortest[j] = reduced;
                }
                if (shortest[j] < lowest || (shortest[j] == lowest && rowOfColumn[j] == -1))
                {
                    lowest = shortest[j];
                    best = k;
                }
            }
            minimum = lowest;
            int column = remaining[best];
            if (rowOfColumn[column] == -1) sink = column;
            else i = rowOfColumn[column];
            columnSeen[column] = true;
            remaining[best] = remaining[--left];
        }
        return sink;
    }
}
