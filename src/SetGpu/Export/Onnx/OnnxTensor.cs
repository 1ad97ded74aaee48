using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace SetGpu.Export.Onnx;

/// <summary>
/// An initializer before it is written: its name, element type, shape, size in bytes and a writer of its little-endian
/// values. Written inline (<c>raw_data</c>) in small models, or into the external data file beside a large one, straight
/// from the network's arrays without a copy of the whole tensor.
/// </summary>
internal sealed record OnnxTensor(string Name, TensorProto.Types.DataType Type, long[] Dims, long Bytes, Action<Stream> Write)
{
    /// <summary>Chunk of values written at once: a span of bytes addresses at most 2 GB.</summary>
    const int Chunk = 1 << 24;

    public static OnnxTensor Of(string name, float[] values, params long[] dims) =>
        new(name, TensorProto.Types.DataType.Float, dims, 4L * values.LongLength, s => WriteAll(s, values));

    public static OnnxTensor Of(string name, int[] values, params long[] dims) =>
        new(name, TensorProto.Types.DataType.Int32, dims, 4L * values.LongLength, s => WriteAll(s, values));

    public static OnnxTensor Of(string name, long[] values, params long[] dims) =>
        new(name, TensorProto.Types.DataType.Int64, dims, 8L * values.LongLength, s => WriteAll(s, values));

    static void WriteAll<T>(Stream stream, T[] values) where T : unmanaged
    {
        for (int start = 0; start < values.Length; start += Chunk)
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan(start, Math.Min(Chunk, values.Length - start))));
    }

    /// <summary>The tensor with its values inline.</summary>
    public TensorProto Inline()
    {
        var bytes = new MemoryStream(checked((int)Bytes));
        Write(bytes);
        var proto = Header();
        proto.RawData = UnsafeByteOperations.UnsafeWrap(bytes.GetBuffer().AsMemory(0, (int)bytes.Length));
        return proto;
    }

    /// <summary>The tensor pointing at its bytes at <paramref name="offset"/> of the external file <paramref name="location"/>.</summary>
    public TensorProto External(string location, long offset)
    {
        var proto = Header();
        proto.DataLocation = TensorProto.Types.DataLocation.External;
        proto.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        proto.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        proto.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return proto;
    }

    TensorProto Header()
    {
        var proto = new TensorProto { Name = Name, DataType = (int)Type };
        proto.Dims.AddRange(Dims);
        return proto;
    }
}
