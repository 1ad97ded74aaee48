using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// A parity test: it runs once for every backend of the list (<see cref="Backends"/>, the <see cref="Set"/> named) and
/// every one of the suite's own cases, the backend's name first: <c>void Test(string backend, …the case…)</c>. The cases
/// are the rows of the static member named by the constructor (a <c>TheoryData</c> of the test class, or of
/// <see cref="MemberType"/>); without one the test runs once per backend. The test skips, or fails, where the backend's
/// device is missing as <see cref="Requirement"/> says (<see cref="Backends.Require"/>, <see cref="Accelerators.Open"/>).
/// Every test case carries the trait <c>Backend</c> with the backend's name: <c>dotnet test --filter Backend=opencl</c>
/// runs the OpenCL tests (.ci/opencl-tests), <c>Backend=cuda</c> the CUDA ones.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("SetGpu.KernelsTests.Support.BackendTheoryDiscoverer", "SetGpu.KernelsTests")]
public sealed class BackendTheoryAttribute(string? cases = null) : FactAttribute
{
    /// <summary>The trait that names a test case's backend.</summary>
    public const string Trait = "Backend";

    /// <summary>The static member whose rows are the suite's own cases, or null for none.</summary>
    public string? Cases { get; } = cases;

    /// <summary>The type that declares <see cref="Cases"/> (default: the test class).</summary>
    public Type? MemberType { get; set; }

    /// <summary>Which backends of the list the test runs on.</summary>
    public BackendSet Set { get; set; } = BackendSet.Ilgpu;
}

/// <summary>Makes the test cases of a <see cref="BackendTheoryAttribute"/>: the backends of its set × its cases.</summary>
public sealed class BackendTheoryDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod,
                                                IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        IXunitTestCase[] Error(string message) =>
        [
            new ExecutionErrorTestCase(diagnosticMessageSink, display, displayOptions, testMethod,
                                       $"[BackendTheory] {testMethod.Method.Name}: {message}"),
        ];

        var method = testMethod.Method.ToRuntimeMethod();
        var attribute = method.GetCustomAttribute<BackendTheoryAttribute>()!;
        var parameters = method.GetParameters();
        if (parameters is not [{ Name: "backend" } first, ..] || first.ParameterType != typeof(string))
            return Error("the first parameter must be 'string backend'");
        if (method.GetCustomAttributes<DataAttribute>().Any())
            return Error("its cases are the rows of the member that [BackendTheory(nameof(...))] names, not data attributes");

        List<object?[]> cases;
        if (attribute.Cases is null) cases = [[]];
        else
        {
            try { cases = new MemberDataAttribute(attribute.Cases) { MemberType = attribute.MemberType }.GetData(method).ToList(); }
            catch (Exception e) { return Error($"cannot read its cases '{attribute.Cases}': {e.Message}"); }
            if (cases.Count == 0) return Error($"'{attribute.Cases}' has no rows");
        }

        var testCases = new List<IXunitTestCase>();
        foreach (var backend in Backends.Of(attribute.Set))
            foreach (var row in cases)
            {
                object?[] arguments = [backend.Name, .. row];
                if (arguments.Length != parameters.Length)
                    return Error($"a case of '{attribute.Cases}' gives {row.Length} values; " +
                                 $"the method takes {parameters.Length - 1} after the backend");
                if (!SerializationHelper.IsSerializable(arguments))
                    return Error($"a case of '{attribute.Cases}' holds a value xunit cannot serialize: {string.Join(", ", row)}");
                testCases.Add(new BackendTestCase(diagnosticMessageSink, display, displayOptions, testMethod, arguments!));
            }
        return testCases;
    }
}

/// <summary>One backend and one case of a <see cref="BackendTheoryAttribute"/>: skippable, with the trait <c>Backend</c>.</summary>
public sealed class BackendTestCase : SkippableFactTestCase
{
    [Obsolete("Called by the de-serializer", true)]
    public BackendTestCase() { }

    public BackendTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions,
                           ITestMethod testMethod, object[] arguments)
        : base([typeof(Xunit.SkipException).FullName!], diagnosticMessageSink, display, displayOptions, testMethod, arguments) { }

    /// <summary>Adds the trait on creation and after deserialization alike.</summary>
    protected override void Initialize()
    {
        base.Initialize();
        Traits[BackendTheoryAttribute.Trait] = [(string)TestMethodArguments[0]];
    }
}
