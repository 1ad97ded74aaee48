using System.Globalization;

namespace SetGpu.GpuBundle;

/// <summary>The bundle's options: <c>--name value</c> pairs, and <c>--name</c> alone for a switch.</summary>
internal sealed class BundleOptions(Dictionary<string, string?> values)
{
    public static BundleOptions Parse(IEnumerable<string> args)
    {
        var list = args.ToList();
        var values = new Dictionary<string, string?>();
        for (int i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{list[i]}'");
            bool hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[list[i][2..]] = hasValue ? list[++i] : null;
        }
        return new BundleOptions(values);
    }

    public bool Switch(string name) => values.ContainsKey(name);
    public string String(string name, string fallback) => values.GetValueOrDefault(name) ?? fallback;
    public string? OptionalString(string name) => values.GetValueOrDefault(name);
    public string Required(string name) => values.GetValueOrDefault(name) ?? throw new ArgumentException($"--{name} is required");
    public int[] Ints(string name) => Required(name).Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
