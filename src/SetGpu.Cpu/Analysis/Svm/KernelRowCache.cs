namespace SetGpu.Analysis;

/// <summary>
/// Kernel rows of one binary problem, kept while they fit in a byte budget and evicted least recently used first, as
/// libsvm's cache does: the solver asks for the rows of its working pair every iteration, and the pairs recur.
/// At least two rows are always kept (the two of one iteration).
/// </summary>
internal sealed class KernelRowCache
{
    readonly RbfKernel _kernel;
    readonly float[]?[] _rows;
    // A doubly linked list over row indices, most recently used at the tail; -1 ends it.
    readonly int[] _previous, _next;
    int _head = -1, _tail = -1, _held;
    readonly int _capacity;

    public KernelRowCache(RbfKernel kernel, long bytes)
    {
        _kernel = kernel;
        int n = kernel.Count;
        _rows = new float[n][];
        _previous = new int[n];
        _next = new int[n];
        long rowBytes = 4L * Math.Max(1, n);
        _capacity = (int)Math.Clamp(bytes / rowBytes, 2, Math.Max(2, n));
    }

    /// <summary>Rows the budget holds.</summary>
    public int Capacity => _capacity;

    /// <summary>Rows computed (cache misses), for the record.</summary>
    public long Computed { get; private set; }

    /// <summary>K(i, t) for every t of the problem. Valid until two more rows are asked for.</summary>
    public float[] Row(int i)
    {
        if (_rows[i] is { } row)
        {
            Unlink(i);
            Append(i);
            return row;
        }
        float[] into;
        if (_held >= _capacity)
        {
            int oldest = _head;
            Unlink(oldest);
            into = _rows[oldest]!;
            _rows[oldest] = null;
            _held--;
        }
        else into = new float[_kernel.Count];
        _kernel.Row(i, into);
        Computed++;
        _rows[i] = into;
        _held++;
        Append(i);
        return into;
    }

    void Unlink(int i)
    {
        int p = _previous[i], n = _next[i];
        if (p >= 0) _next[p] = n; else _head = n;
        if (n >= 0) _previous[n] = p; else _tail = p;
    }

    void Append(int i)
    {
        _previous[i] = _tail;
        _next[i] = -1;
        if (_tail >= 0) _next[_tail] = i; else _head = i;
        _tail = i;
    }
}
