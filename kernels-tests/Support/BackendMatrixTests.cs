using System.Reflection;
using SetGpu.KernelsTests.Checkpoints;
using SetGpu.KernelsTests.Kernels;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// The backend test matrix itself: the list, the way every parity test runs on all of it, and the one skip-or-fail
/// rule of <see cref="Requirement"/>.
/// </summary>
public class BackendMatrixTests
{
    static readonly Type[] TestTypes = typeof(BackendMatrixTests).Assembly.GetTypes();

    static IEnumerable<MethodInfo> TestMethods(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any());

    [Fact]
    public void Each_backend_is_listed_once_as_a_device_with_its_requirement()
    {
        Assert.Equal(Backends.Engines.Count, Backends.Engines.Select(b => b.Name).Distinct().Count());
        Assert.Equal(Backends.Cpu, Backends.Engines[0]);
        Assert.All(Backends.Ilgpu, b => Assert.True(b.Device.IsIlgpu, $"{b.Name} is not an ILGPU device"));
        Assert.All(Backends.Engines, b => Assert.False(string.IsNullOrWhiteSpace(b.Description)));
        // A backend whose device a machine may lack names a requirement that SETGPU_REQUIRE knows, under its own name.
        Assert.All(Backends.Devices, b =>
        {
            Assert.Contains(b.Requirement!, Requirement.All);
            Assert.Equal(b.Name, b.Requirement!.Name);
        });
        Assert.Contains(Backends.Ilgpu, b => b.Requirement is null); // ILGPU's CPU accelerator: every machine has it
    }

    /// <summary>
    /// A test that takes a backend gets its rows from the list (<see cref="BackendTheoryAttribute"/>), never from
    /// rows of its own, which could leave a backend out.
    /// </summary>
    [Fact]
    public void Every_test_that_takes_a_backend_runs_on_the_list()
    {
        var strays = TestTypes.SelectMany(TestMethods)
            .Where(m => m.GetParameters().Any(p => p.Name is "backend" or "engine" or "device"))
            .Where(m => m.GetCustomAttribute<BackendTheoryAttribute>() is null || m.GetCustomAttributes<FactAttribute>().Count() > 1)
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");
        Assert.Empty(strays);
    }

    /// <summary>
    /// No parity suite is an abstract class run through one subclass per backend: a backend without its subclass would be
    /// left out without a word. Test logic lives once, in a class that xunit runs.
    /// </summary>
    [Fact]
    public void No_test_class_is_abstract()
    {
        var abstractSuites = TestTypes.Where(t => t.IsAbstract && !t.IsSealed && TestMethods(t).Any()).Select(t => t.Name);
        Assert.Empty(abstractSuites);
    }

    /// <summary>A class that opens accelerators (<see cref="Accelerators"/>) runs each of its tests on the list.</summary>
    [Fact]
    public void Every_test_of_a_class_with_accelerators_runs_on_the_list()
    {
        static bool OpensAccelerators(Type fixture) =>
            fixture.IsGenericType && fixture.GetGenericTypeDefinition() == typeof(IClassFixture<>)
            && typeof(Accelerators).IsAssignableFrom(fixture.GetGenericArguments()[0]);
        var suites = TestTypes.Where(t => t.GetInterfaces().Any(OpensAccelerators)).ToList();
        Assert.True(suites.Count >= 11, $"only {suites.Count} suites with accelerators");
        var strays = suites.SelectMany(TestMethods).Where(m => m.GetCustomAttribute<BackendTheoryAttribute>() is null)
                           .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");
        Assert.Empty(strays);
    }

    /// <summary>Each backend of the set × each case, the backend's name first, with the trait that selects it.</summary>
    [Theory]
    [InlineData(typeof(ScanTests), nameof(ScanTests.Scan_matches_the_host_prefix_sum), BackendSet.Ilgpu, 5)]
    [InlineData(typeof(ResumeTests), nameof(ResumeTests.Resumed_run_is_identical_to_an_uninterrupted_one), BackendSet.Engines, 2)]
    [InlineData(typeof(ResumeTests), nameof(ResumeTests.Checkpoint_saved_on_cancellation_resumes_mid_epoch), BackendSet.Engines, 1)]
    public void A_backend_theory_runs_each_case_on_each_backend_of_its_set(Type suite, string method, BackendSet set, int cases)
    {
        var testCases = Discover(suite, method);
        Assert.Equal(Backends.Of(set).Count * cases, testCases.Count);
        Assert.All(testCases, c => Assert.IsType<BackendTestCase>(c));
        foreach (var backend in Backends.Of(set))
        {
            var mine = testCases.Where(c => (string)c.TestMethodArguments[0] == backend.Name).ToList();
            Assert.Equal(cases, mine.Count);
            Assert.All(mine, c => Assert.Equal([backend.Name], c.Traits[BackendTheoryAttribute.Trait]));
            Assert.Equal(cases, mine.Select(c => c.DisplayName).Distinct().Count());
        }
    }

    [Fact]
    public void Cases_that_regrow_nothing_are_left_out_of_the_device_regrowth_and_rebuild()
    {
        var names = ((IEnumerable<object[]>)EvolutionCases.Regrowing).Select(row => (string)row[0]).ToList();
        Assert.DoesNotContain("zeta 0", names);
        Assert.Equal(EvolutionCases.Names.Count - 1, names.Count);
    }

    [Fact]
    public void SETGPU_REQUIRE_names_only_known_requirements()
    {
        var unknown = Requirement.Required().Except(Requirement.All.Select(r => r.Name));
        Assert.True(!unknown.Any(), $"{Requirement.Variable} names {string.Join(", ", unknown)}; " +
                                    $"it knows {string.Join(", ", Requirement.All.Select(r => r.Name))}");
    }

    [Fact]
    public void A_missing_requirement_skips_with_the_reason_and_fails_where_required()
    {
        var absent = Requirement.For("absent", "nothing", () => (null, "there is nothing here"));
        Assert.Equal("there is nothing here", Assert.Throws<Xunit.SkipException>(() => absent.Require(new HashSet<string>())).Message);
        var failure = Assert.ThrowsAny<XunitException>(() => absent.Require(new HashSet<string> { "opencl", "absent" }));
        Assert.StartsWith("there is nothing here, but SETGPU_REQUIRE", failure.Message);
        var present = Requirement.For("present", "something", () => ("/usr/bin/something", null));
        Assert.Equal("/usr/bin/something", present.Require(new HashSet<string> { "present" }));
    }

    static List<IXunitTestCase> Discover(Type suite, string method)
    {
        var assembly = new TestAssembly(Reflector.Wrap(suite.Assembly));
        var testClass = new TestClass(new TestCollection(assembly, null, "matrix"), Reflector.Wrap(suite));
        var runtimeMethod = suite.GetMethod(method)!;
        var testMethod = new TestMethod(testClass, Reflector.Wrap(runtimeMethod));
        var attribute = Reflector.Wrap(runtimeMethod.GetCustomAttributesData().Single(a => a.AttributeType == typeof(BackendTheoryAttribute)));
        return new BackendTheoryDiscoverer(new NullMessageSink()).Discover(new DiscoveryOptions(), testMethod, attribute).ToList();
    }

    sealed class DiscoveryOptions : ITestFrameworkDiscoveryOptions
    {
        readonly Dictionary<string, object?> _values = [];
        public TValue GetValue<TValue>(string name) => _values.TryGetValue(name, out var v) ? (TValue)v! : default!;
        public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
    }
}
