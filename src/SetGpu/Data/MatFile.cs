namespace SetGpu.Data;

/// <summary>
/// The numeric variables of a MATLAB level-5 MAT-file (the format of <c>save -v7</c> and older, compressed or not,
/// either byte order). Non-numeric variables (cells, structs, chars) and complex arrays are skipped and listed in
/// <see cref="Skipped"/>; MAT v7.3 (HDF5) files are rejected.
/// </summary>
internal sealed class MatFile
{
    private readonly Dictionary<string, MatArray> _arrays;
    private readonly Dictionary<string, string> _skipped;

    internal MatFile(string source, string description, bool bigEndian,
                     Dictionary<string, MatArray> arrays, Dictionary<string, string> skipped)
    {
        Source = source;
        Description = description;
        IsBigEndian = bigEndian;
        _arrays = arrays;
        _skipped = skipped;
    }

    /// <summary>The file path (or other name) given when reading; used in error messages.</summary>
    public string Source { get; }
    /// <summary>The header's descriptive text ("MATLAB 5.0 MAT-file, Platform: …").</summary>
    public string Description { get; }
    /// <summary>True when the file was written big-endian ("MI" indicator).</summary>
    public bool IsBigEndian { get; }
    /// <summary>Numeric variables by name.</summary>
    public IReadOnlyDictionary<string, MatArray> Arrays => _arrays;
    /// <summary>Variables that were present but not read, by name, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Skipped => _skipped;

    /// <summary>Reads a MAT-file from disk.</summary>
    /// <exception cref="DataFormatException">The file is missing, truncated, corrupt or not a level-5 MAT-file.</exception>
    public static MatFile Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot read the file ({e.Message})", e);
        }
        return Read(bytes, path);
    }

    /// <summary>Parses a MAT-file held in memory; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="DataFormatException">The bytes are truncated, corrupt or not a level-5 MAT-file.</exception>
    public static MatFile Read(byte[] contents, string source)
    {
        ArgumentNullException.ThrowIfNull(contents);
        return MatParser.Parse(contents, source);
    }

    /// <summary>The numeric variable <paramref name="name"/>.</summary>
    /// <exception cref="DataFormatException">The variable is absent or could not be read (the message says why).</exception>
    public MatArray Get(string name)
    {
        if (_arrays.TryGetValue(name, out var array)) return array;
        if (_skipped.TryGetValue(name, out var why))
            throw new DataFormatException(Source, $"variable {name} cannot be used: {why}");
        var present = _arrays.Keys.Concat(_skipped.Keys).Order(StringComparer.Ordinal).ToList();
        throw new DataFormatException(Source,
            $"missing variable {name} (the file holds {(present.Count == 0 ? "no variables" : string.Join(", ", present))})");
    }
}
