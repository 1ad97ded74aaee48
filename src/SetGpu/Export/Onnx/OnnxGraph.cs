using Google.Protobuf;
using Onnx;

namespace SetGpu.Export.Onnx;

/// <summary>A graph under construction: nodes in order, initializers kept as writers until the model is written.</summary>
internal sealed class OnnxGraph
{
    readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public List<NodeProto> Nodes { get; } = [];
    public List<OnnxTensor> Initializers { get; } = [];

    /// <summary>A name not used yet, from <paramref name="stem"/>.</summary>
    public string Name(string stem)
    {
        string name = stem;
        for (int i = 1; !_names.Add(name); i++) name = $"{stem}_{i}";
        return name;
    }

    /// <summary>Adds an initializer under a fresh name from its own; returns that name.</summary>
    public string Add(OnnxTensor tensor)
    {
        var named = tensor with { Name = Name(tensor.Name) };
        Initializers.Add(named);
        return named.Name;
    }

    /// <summary>Adds a node of <paramref name="op"/> with one output named from <paramref name="output"/>; returns that name.</summary>
    public string Node(string op, string output, string[] inputs, params AttributeProto[] attributes)
    {
        string name = Name(output);
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Nodes.Add(node);
        return name;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Tensor(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };
}
