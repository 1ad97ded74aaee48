namespace SetGpu.Data;

/// <summary>
/// Builds a <see cref="Dataset"/> from a MAT-file holding samples in <c>X</c> (n × d) and labels in <c>Y</c>
/// (n × 1 or 1 × n), the layout of the scikit-feature (ASU) repository and of the SET paper's data.
/// </summary>
internal static class MatDataset
{
    /// <summary>
    /// Loads X and Y from <paramref name="path"/>. Features are converted to float32 and row-major; labels map to
    /// 0..C-1 by rank of their distinct values (so 1..C becomes 0..C-1 and -1/+1 becomes 0/1).
    /// </summary>
    /// <param name="path">The .mat file.</param>
    /// <param name="imageShape">Image height and width when the rows are images (the file does not record it).</param>
    /// <param name="featuresVariable">Name of the samples variable.</param>
    /// <param name="labelsVariable">Name of the labels variable.</param>
    /// <exception cref="DataFormatException">The file is unreadable, X or Y is missing or malformed, their sample counts differ,
    /// a label is not an integer or a feature is NaN/infinite.</exception>
    public static Dataset Load(string path, (int Height, int Width)? imageShape = null,
                               string featuresVariable = "X", string labelsVariable = "Y")
    {
        var file = MatFile.Read(path);
        return FromFile(file, imageShape, featuresVariable, labelsVariable);
    }

    /// <summary>Builds the dataset from an already parsed file; see <see cref="Load"/>.</summary>
    public static Dataset FromFile(MatFile file, (int Height, int Width)? imageShape = null,
                                   string featuresVariable = "X", string labelsVariable = "Y",
                                   ImagePixelOrder pixelOrder = ImagePixelOrder.RowMajor)
    {
        ArgumentNullException.ThrowIfNull(file);
        string source = file.Source;
        var x = file.Get(featuresVariable);
        var y = file.Get(labelsVariable);
        if (x.Dimensions.Count != 2)
            throw new DataFormatException(source, $"{featuresVariable} must be a 2-D samples × features matrix, its dimensions are {x.ShapeText}");
        if (y.Dimensions.Count != 2 || (y.Rows != 1 && y.Columns != 1))
            throw new DataFormatException(source, $"{labelsVariable} must be a vector of labels, its dimensions are {y.ShapeText}");
        int n = x.Rows, d = x.Columns;
        if (n == 0 || d == 0)
            throw new DataFormatException(source, $"{featuresVariable} is empty ({x.ShapeText})");
        if (y.Count != n)
            throw new DataFormatException(source,
                $"row count mismatch: {featuresVariable} has {n} rows (samples) but {labelsVariable} has {y.Count} labels");

        int[] labels = LabelMapping.ToClassIndices(y.Values, source, labelsVariable, out var classValues);

        // MATLAB stores column-major; the dataset wants one contiguous row per sample.
        var features = new float[(long)n * d];
        double[] xv = x.Values;
        for (int c = 0; c < d; c++)
        {
            int colStart = c * n;
            for (int r = 0; r < n; r++)
            {
                double v = xv[colStart + r];
                float f = (float)v;
                if (!float.IsFinite(f))
                    throw new DataFormatException(source,
                        $"{featuresVariable}({r + 1},{c + 1}) is {(double.IsNaN(v) ? "NaN" : v.ToString(System.Globalization.CultureInfo.InvariantCulture))}; features must be finite numbers");
                features[(long)r * d + c] = f;
            }
        }
        if (classValues.Length < 2)
            throw new DataFormatException(source, $"{labelsVariable} holds a single class ({classValues.FirstOrDefault()}); at least 2 are needed");
        return new Dataset(source, features, labels, d, classValues.Length, imageShape, pixelOrder);
    }
}
