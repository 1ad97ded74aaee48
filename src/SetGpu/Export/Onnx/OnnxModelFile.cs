using Google.Protobuf;
using Onnx;

namespace SetGpu.Export.Onnx;

/// <summary>
/// Writes a model: its initializers inline when they fit well inside protobuf's 2 GB message limit, else every
/// initializer over 1 KiB into one external data file beside the model (<c>MODEL.onnx.data</c>, the layout ONNX's
/// <c>save_model(..., save_as_external_data=True)</c> writes and ONNX Runtime reads).
/// </summary>
internal static class OnnxModelFile
{
    /// <summary>Initializer bytes kept inline by default: half of protobuf's 2 GB limit.</summary>
    public const long DefaultInlineLimit = 1L << 30;
    /// <summary>Initializers smaller than this stay inline in a model with external data.</summary>
    const long SmallTensor = 1024;

    /// <summary>Writes <paramref name="model"/> with <paramref name="initializers"/> to <paramref name="path"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(ModelProto model, IReadOnlyList<OnnxTensor> initializers, string path, long inlineLimit)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        var written = new List<string> { path };
        string dataPath = path + ".data";
        if (initializers.Sum(t => t.Bytes) <= inlineLimit)
        {
            foreach (var tensor in initializers) model.Graph.Initializer.Add(tensor.Inline());
            File.Delete(dataPath); // a stale data file of an earlier export would mislead
        }
        else
        {
            string location = Path.GetFileName(dataPath);
            using var data = File.Create(dataPath);
            foreach (var tensor in initializers)
            {
                if (tensor.Bytes < SmallTensor)
                {
                    model.Graph.Initializer.Add(tensor.Inline());
                    continue;
                }
                model.Graph.Initializer.Add(tensor.External(location, data.Position));
                tensor.Write(data);
            }
            written.Add(dataPath);
        }
        using (var file = File.Create(path)) model.WriteTo(file);
        return written;
    }

    /// <summary>A float tensor value of shape (batch, <paramref name="columns"/>), the batch named and left open.</summary>
    public static ValueInfoProto Rows(string name, long columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
