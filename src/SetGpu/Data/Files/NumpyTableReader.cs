using System.IO.Compression;

namespace SetGpu.Data;

/// <summary>
/// Reads features and labels saved by NumPy: an .npz archive (np.savez, stored, or np.savez_compressed, deflated)
/// holding both arrays, or a pair of .npy files.
/// </summary>
internal static class NumpyTableReader
{
    /// <summary>Reads arrays <see cref="DataFileOptions.FeaturesArray"/> and <see cref="DataFileOptions.LabelsArray"/> of an .npz file.</summary>
    public static LabelledTable ReadNpz(string path, DataFileOptions options)
    {
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new DataFormatException(path, $"cannot read the file as an .npz (zip) archive ({e.Message})", e);
        }
        using (zip)
        {
            try
            {
                var x = Member(zip, path, options.FeaturesArray);
                var y = Member(zip, path, options.LabelsArray);
                var features = Read(path, x, (stream, header, available, source) => NpyArrayReader.ReadFeatures(stream, header, available, source));
                var labels = Read(path, y, NpyArrayReader.ReadLabels);
                return Combine(path, features, labels, $"{x.FullName} has", $"{y.FullName} has");
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(path, $"the .npz (zip) archive is corrupt ({e.Message})", e);
            }
        }
    }

    /// <summary>Deflate expands at most about 1032:1; a member that declares more is a lie, refused before allocating for it.</summary>
    const long MaxDeflateRatio = 1032;

    /// <summary>Reads a features .npy file and a labels .npy file.</summary>
    public static LabelledTable ReadPair(string featuresPath, string labelsPath)
    {
        var features = ReadFile(featuresPath, (stream, header, available, source) => NpyArrayReader.ReadFeatures(stream, header, available, source));
        var labels = ReadFile(labelsPath, NpyArrayReader.ReadLabels);
        return Combine(featuresPath, features, labels, "it has", $"{Path.GetFileName(labelsPath)} has");
    }

    /// <summary>
    /// The labels file beside a features file: the features name's leading <see cref="DataFileOptions.FeaturesArray"/>
    /// replaced by <see cref="DataFileOptions.LabelsArray"/> (X.npy → y.npy, X_test.npy → y_test.npy).
    /// </summary>
    public static string LabelsBeside(string featuresPath, DataFileOptions options)
    {
        string name = Path.GetFileName(featuresPath);
        if (!name.StartsWith(options.FeaturesArray, StringComparison.Ordinal))
            throw new DataFormatException(featuresPath,
                $"cannot tell where the labels are: name the pair {options.FeaturesArray}….npy and {options.LabelsArray}….npy, " +
                "give the folder that holds them, or both paths as 'features.npy,labels.npy'");
        return Path.Combine(Path.GetDirectoryName(featuresPath) ?? "", options.LabelsArray + name[options.FeaturesArray.Length..]);
    }

    delegate T ArrayReader<T>(Stream stream, NpyHeader header, long availableBytes, string source);

    static ZipArchiveEntry Member(ZipArchive zip, string path, string array) =>
        zip.GetEntry(array + ".npy") ?? zip.GetEntry(array) ?? throw new DataFormatException(path,
            $"no array '{array}'; the archive holds {string.Join(", ", zip.Entries.Select(e => Path.GetFileNameWithoutExtension(e.FullName)))}");

    static T Read<T>(string path, ZipArchiveEntry entry, ArrayReader<T> read)
    {
        string source = $"{path} [{entry.FullName}]";
        if (entry.Length > entry.CompressedLength * MaxDeflateRatio + 1024)
            throw new DataFormatException(source,
                $"the member declares {entry.Length} bytes from {entry.CompressedLength} compressed, more than deflate expands (a corrupt archive)");
        try
        {
            using var stream = entry.Open();
            var header = NpyHeader.Read(stream, source);
            // The zip's directory declares the member's uncompressed size: the shape is checked against it before allocating.
            return read(stream, header, entry.Length - header.HeaderBytes, source);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new DataFormatException(source, $"the archive member is corrupt or unreadable ({e.Message})", e);
        }
    }

    static T ReadFile<T>(string path, ArrayReader<T> read)
    {
        FileStream stream;
        try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot read the file ({e.Message})", e);
        }
        using (stream)
        {
            var header = NpyHeader.Read(stream, path);
            return read(stream, header, stream.Length - header.HeaderBytes, path);
        }
    }

    static LabelledTable Combine(string source, (float[] Values, int Rows, int Columns, (int, int)? Image) x, LabelColumn y,
                                 string xHas, string yHas)
    {
        if (y.Codes.Length != x.Rows)
            throw new DataFormatException(source, $"row count mismatch: {xHas} {x.Rows} samples but {yHas} {y.Codes.Length} labels");
        return new LabelledTable(source, x.Values, x.Rows, x.Columns, y, x.Image);
    }
}
