namespace SetGpu.Data;

/// <summary>
/// One numeric variable of a MAT-file, widened to double and held dense in MATLAB's column-major order
/// (element (r, c) at <c>c * Rows + r</c>). Sparse variables are densified.
/// </summary>
internal sealed class MatArray
{
    internal MatArray(string name, MatClass storedClass, int[] dimensions, double[] values, bool wasSparse, bool isLogical)
    {
        Name = name;
        Class = storedClass;
        Dimensions = dimensions;
        Values = values;
        WasSparse = wasSparse;
        IsLogical = isLogical;
    }

    /// <summary>The variable's name in the file.</summary>
    public string Name { get; }
    /// <summary>The MATLAB class recorded for the variable (<see cref="MatClass.Sparse"/> for sparse ones).</summary>
    public MatClass Class { get; }
    /// <summary>All dimensions, at least two.</summary>
    public IReadOnlyList<int> Dimensions { get; }
    /// <summary>First dimension.</summary>
    public int Rows => Dimensions[0];
    /// <summary>Product of all dimensions after the first (the column count of a 2-D array).</summary>
    public int Columns => Values.Length == 0 ? 0 : Values.Length / Rows;
    /// <summary>Number of elements.</summary>
    public int Count => Values.Length;
    /// <summary>True when the file stored the variable sparse (ir/jc/pr); <see cref="Values"/> is dense regardless.</summary>
    public bool WasSparse { get; }
    /// <summary>True for MATLAB logical arrays.</summary>
    public bool IsLogical { get; }
    /// <summary>All elements, column-major, widened to double.</summary>
    public double[] Values { get; }

    /// <summary>Element (row, column) of a 2-D array, both zero-based.</summary>
    public double this[int row, int column] => Values[(long)column * Rows + row];

    /// <summary>"1440×1024"-style description of the dimensions, for messages.</summary>
    public string ShapeText => string.Join("×", Dimensions);
}
