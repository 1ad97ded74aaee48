using Xunit.Abstractions;

namespace SetGpu.GpuBundle.Testing;

/// <summary>
/// The part of <c>dotnet test --filter</c> that the bundle uses, with the same meaning: terms joined by <c>&amp;</c>,
/// each <c>Name=Value</c>, <c>Name!=Value</c> or <c>Name~Value</c> (contains). <c>FullyQualifiedName</c> is the test
/// method's class and name; any other name is a trait (<c>Backend=cuda</c>, <c>Category!=Slow</c>).
/// </summary>
internal sealed class TestFilter
{
    readonly (string Name, string Operator, string Value)[] _terms;

    TestFilter(string text, (string, string, string)[] terms)
    {
        Text = text;
        _terms = terms;
    }

    /// <summary>The filter as written.</summary>
    public string Text { get; }

    public static TestFilter Parse(string text)
    {
        var terms = text.Split('&', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(term =>
        {
            foreach (string op in new[] { "!=", "~", "=" })
            {
                int at = term.IndexOf(op, StringComparison.Ordinal);
                if (at > 0) return (term[..at].Trim(), op, term[(at + op.Length)..].Trim());
            }
            throw new ArgumentException($"filter term '{term}': expected Name=Value, Name!=Value or Name~Value");
        }).ToArray();
        if (terms.Length == 0) throw new ArgumentException("empty test filter");
        return new TestFilter(text, terms);
    }

    public bool Matches(ITestCase test) => _terms.All(term =>
    {
        IReadOnlyCollection<string> values = term.Name == "FullyQualifiedName"
            ? [$"{test.TestMethod.TestClass.Class.Name}.{test.TestMethod.Method.Name}"]
            : test.Traits.TryGetValue(term.Name, out var list) ? list : [];
        return term.Operator switch
        {
            "=" => values.Contains(term.Value),
            "!=" => !values.Contains(term.Value),
            _ => values.Any(v => v.Contains(term.Value, StringComparison.Ordinal)),
        };
    });

    public override string ToString() => Text;
}
