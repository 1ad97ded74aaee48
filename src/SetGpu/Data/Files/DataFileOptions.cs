namespace SetGpu.Data;

/// <summary>How <see cref="DataFiles"/> reads a user's CSV, NPZ or NPY files.</summary>
public sealed record DataFileOptions
{
    /// <summary>Whether the first row of a CSV file names the columns (the trainer's <c>--no-header</c> sets false).</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>
    /// The CSV label column: a header name, else a column number counted from 1 as error messages count
    /// them (negative counts from the end: -1 is the last column); null for the last column. A name wins over an index when a header column is called, say, "0".
    /// </summary>
    public string? Label { get; init; }

    /// <summary>The features array of an NPZ file, and the stem of a features .npy file (<c>X.npy</c>, <c>X_train.npy</c>).</summary>
    public string FeaturesArray { get; init; } = "X";

    /// <summary>The labels array of an NPZ file, and the stem of a labels .npy file (<c>y.npy</c>, <c>y_train.npy</c>).</summary>
    public string LabelsArray { get; init; } = "y";
}
