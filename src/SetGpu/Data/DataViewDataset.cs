using Microsoft.ML;
using Microsoft.ML.Data;

namespace SetGpu.Data;

/// <summary>
/// A <see cref="Dataset"/> from an ML.NET <see cref="IDataView"/>: a numeric vector column of features and a label
/// column, read once with one cursor. Only the <c>Microsoft.ML.DataView</c> interfaces are needed, not ML.NET itself.
/// </summary>
public static class DataViewDataset
{
    /// <summary>
    /// The rows of <paramref name="data"/>: features from the vector of float column <paramref name="features"/>
    /// (known size; sparse vectors are read as dense), classes from <paramref name="label"/>: a key column (ML.NET's
    /// <c>MapValueToKey</c>; key k is class k − 1, and the key count is the number of classes) or a column of
    /// non-negative whole numbers (int, uint, long, float, double) or booleans, taken as class indices.
    /// </summary>
    /// <exception cref="DataFormatException">A column is missing or of another type, a label is missing (key 0), negative or not whole, a value is not finite, or there are no rows.</exception>
    public static Dataset Load(IDataView data, string features = "Features", string label = "Label", string name = "data view")
    {
        ArgumentNullException.ThrowIfNull(data);
        var featureColumn = Column(data, features, name, "features");
        var labelColumn = Column(data, label, name, "label");
        if (featureColumn.Type is not VectorDataViewType { ItemType: var item, Size: > 0 } vector || item != NumberDataViewType.Single)
            throw new DataFormatException(name, $"column '{features}' is {featureColumn.Type}; features must be a vector of Single of known size " +
                                                "(ML.NET's ConvertType and Concatenate make one)");
        int width = vector.Size;
        int? classes = labelColumn.Type is KeyDataViewType key ? checked((int)key.Count) : null;

        using var cursor = data.GetRowCursor([featureColumn, labelColumn]);
        var readFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
        var readLabel = LabelGetter(cursor, labelColumn, name);
        var values = new List<float>();
        var labels = new List<int>();
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            readFeatures(ref buffer);
            if (buffer.Length != width)
                throw new DataFormatException(name, $"row {labels.Count}: '{features}' has {buffer.Length} values where the schema says {width}");
            foreach (float v in buffer.DenseValues()) values.Add(v);
            labels.Add(readLabel(labels.Count));
        }
        if (labels.Count == 0) throw new DataFormatException(name, "the data view has no rows");
        int[] labelArray = [.. labels];
        return new Dataset(name, [.. values], labelArray, width, classes ?? labelArray.Max() + 1);
    }

    static DataViewSchema.Column Column(IDataView data, string column, string name, string role) =>
        data.Schema.GetColumnOrNull(column) ?? throw new DataFormatException(name,
            $"no {role} column '{column}'; the columns are {string.Join(", ", data.Schema.Select(c => $"'{c.Name}' ({c.Type})"))}");

    /// <summary>A reader of the current row's class index; its argument, the row number, is for error messages.</summary>
    static Func<int, int> LabelGetter(DataViewRowCursor cursor, DataViewSchema.Column column, string name)
    {
        string what = $"label column '{column.Name}'";
        switch (column.Type)
        {
            case KeyDataViewType:
            {
                var get = cursor.GetGetter<uint>(column);
                return row =>
                {
                    uint k = 0;
                    get(ref k);
                    return k > 0 ? (int)(k - 1) : throw new DataFormatException(name, $"row {row}: {what} is missing (key 0)");
                };
            }
            case BooleanDataViewType:
            {
                var get = cursor.GetGetter<bool>(column);
                return _ => { bool b = false; get(ref b); return b ? 1 : 0; };
            }
            case var t when t == NumberDataViewType.Int32: return Whole(cursor.GetGetter<int>(column), v => v);
            case var t when t == NumberDataViewType.UInt32: return Whole(cursor.GetGetter<uint>(column), v => v);
            case var t when t == NumberDataViewType.Int64: return Whole(cursor.GetGetter<long>(column), v => v);
            case var t when t == NumberDataViewType.Single: return Whole(cursor.GetGetter<float>(column), v => v);
            case var t when t == NumberDataViewType.Double: return Whole(cursor.GetGetter<double>(column), v => v);
            default:
                throw new DataFormatException(name, $"{what} is {column.Type}; labels must be a key (MapValueToKey), a whole number or a boolean");
        }

        Func<int, int> Whole<T>(ValueGetter<T> get, Func<T, double> asDouble) => row =>
        {
            T value = default!;
            get(ref value);
            double v = asDouble(value);
            return v >= 0 && v <= int.MaxValue && v == Math.Floor(v)
                ? (int)v
                : throw new DataFormatException(name, $"row {row}: {what} is {v}; labels are class indices, whole numbers from 0");
        };
    }
}
