using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SetGpu.GpuBundle.Testing;

/// <summary>
/// Runs the tests of an xunit 2 assembly in this process, with no SDK and no test platform: xunit's own
/// <see cref="TestFrameworkProxy"/> (xunit.execution, which the test assembly carries) discovers the test cases, as
/// <c>dotnet test</c>'s adapter does, so custom discoverers such as <c>[BackendTheory]</c> and <c>[SkippableFact]</c>
/// give the same cases and traits; the cases the filter picks run with xunit's default parallelism (test collections
/// in parallel, one thread per core). The summary is rewritten after every finished test, so that a run stopped from
/// outside leaves what it had done and the tests it was in.
/// </summary>
internal static class XunitRunner
{
    public static TestSummary Run(Assembly assembly, TestFilter filter, string settings, string resultPath)
    {
        var clock = Stopwatch.StartNew();
        var assemblyInfo = Reflector.Wrap(assembly);
        using var framework = new TestFrameworkProxy(assemblyInfo, new NoSourceInformation(), new DiagnosticSink());

        var discovery = new DiscoverySink();
        using (var discoverer = framework.GetDiscoverer(assemblyInfo))
        {
            discoverer.Find(includeSourceInformation: false, discovery, new FrameworkOptions());
            discovery.Finished.Wait();
        }
        var chosen = discovery.TestCases.Where(filter.Matches).ToList();
        var summary = new TestSummary { Filter = filter.Text, Settings = settings, Discovered = discovery.TestCases.Count, Selected = chosen.Count };
        Console.WriteLine($"tests: {chosen.Count} of {summary.Discovered} match '{filter}'{(settings == "" ? "" : $" ({settings})")}");
        var execution = new ExecutionSink(summary, clock, resultPath);
        execution.Write();
        if (chosen.Count > 0)
            using (var executor = framework.GetExecutor(assembly.GetName()))
            {
                executor.RunTests(chosen, execution, new FrameworkOptions());
                execution.Finished.Wait();
            }
        lock (summary)
        {
            summary.Finished = true;
            summary.Seconds = clock.Elapsed.TotalSeconds;
        }
        execution.Write();
        Console.WriteLine($"tests: {summary.Passed} passed, {summary.Failed} failed, {summary.Skipped} skipped in {summary.Seconds:F0} s");
        return summary;
    }

    /// <summary>Collects the test cases found.</summary>
    sealed class DiscoverySink : LongLivedMarshalByRefObject, IMessageSink
    {
        public List<ITestCase> TestCases { get; } = [];
        public ManualResetEventSlim Finished { get; } = new();

        public bool OnMessage(IMessageSinkMessage message)
        {
            if (message is ITestCaseDiscoveryMessage found) lock (TestCases) TestCases.Add(found.TestCase);
            if (message is IDiscoveryCompleteMessage) Finished.Set();
            return true;
        }
    }

    /// <summary>Counts results into the summary and prints progress: every failure at once, a count now and then.</summary>
    sealed class ExecutionSink(TestSummary summary, Stopwatch clock, string resultPath) : LongLivedMarshalByRefObject, IMessageSink
    {
        readonly Dictionary<string, (int Count, string Example)> _skips = [];
        double _lastProgress;

        public ManualResetEventSlim Finished { get; } = new();

        public bool OnMessage(IMessageSinkMessage message)
        {
            lock (summary)
            {
                switch (message)
                {
                    case ITestStarting starting:
                        summary.Running.Add(starting.Test.DisplayName);
                        break;
                    case ITestPassed:
                        summary.Passed++;
                        break;
                    case ITestFailed failed:
                        summary.Failed++;
                        var failure = new TestFailure(failed.Test.DisplayName, Messages(failed), Stack(failed), (double)failed.ExecutionTime);
                        summary.Failures.Add(failure);
                        // The first failures at once; a missing device would fail them all alike.
                        if (summary.Failed <= 10) Console.WriteLine($"  FAILED {failure.Test}: {Text.Shorten(failure.Message, 400)}");
                        break;
                    case ITestSkipped skipped:
                        summary.Skipped++;
                        _skips[skipped.Reason] = _skips.TryGetValue(skipped.Reason, out var s) ? (s.Count + 1, s.Example) : (1, skipped.Test.DisplayName);
                        break;
                    case ITestFinished finished:
                        summary.Running.Remove(finished.Test.DisplayName);
                        Progress();
                        break;
                    case IErrorMessage or ITestAssemblyCleanupFailure or ITestCollectionCleanupFailure or ITestClassCleanupFailure
                        or ITestMethodCleanupFailure or ITestCaseCleanupFailure or ITestCleanupFailure:
                        var error = $"{message.GetType().Name}: {Messages((IFailureInformation)message)}";
                        summary.Errors.Add(error);
                        Console.WriteLine($"  ERROR {error}");
                        break;
                    case ITestAssemblyFinished:
                        Finished.Set();
                        break;
                }
            }
            return true;
        }

        void Progress()
        {
            summary.Skips.Clear();
            summary.Skips.AddRange(_skips.Select(s => new SkipReason(s.Key, s.Value.Count, s.Value.Example)));
            summary.Seconds = clock.Elapsed.TotalSeconds;
            Write();
            if (summary.Seconds - _lastProgress < 10 && summary.Completed < summary.Selected) return;
            _lastProgress = summary.Seconds;
            Console.WriteLine($"  {summary.Completed}/{summary.Selected} done ({summary.Passed} passed, {summary.Failed} failed, " +
                              $"{summary.Skipped} skipped), {summary.Seconds:F0} s");
        }

        public void Write()
        {
            string json;
            lock (summary) json = JsonSerializer.Serialize(summary, BundleJson.Options);
            BundleJson.WriteText(resultPath, json);
        }

        static string Messages(IFailureInformation failure) =>
            string.Join(" ----> ", failure.ExceptionTypes.Zip(failure.Messages, (type, text) => $"{type}: {text}"));

        static string Stack(IFailureInformation failure) =>
            string.Join('\n', (failure.StackTraces.FirstOrDefault() ?? "").Split('\n').Take(12));
    }

    /// <summary>xunit's diagnostics (for example a test case that could not be created) go to the log.</summary>
    sealed class DiagnosticSink : LongLivedMarshalByRefObject, IMessageSink
    {
        public bool OnMessage(IMessageSinkMessage message)
        {
            if (message is IDiagnosticMessage diagnostic) Console.WriteLine($"  xunit: {diagnostic.Message}");
            return true;
        }
    }

    /// <summary>No source files travel with the bundle.</summary>
    sealed class NoSourceInformation : LongLivedMarshalByRefObject, ISourceInformationProvider
    {
        public ISourceInformation GetSourceInformation(ITestCase testCase) => new SourceInformation();
        public void Dispose() { }
    }

    /// <summary>Discovery and execution options: none set, so xunit's defaults hold (as with no xunit.runner.json).</summary>
    sealed class FrameworkOptions : ITestFrameworkDiscoveryOptions, ITestFrameworkExecutionOptions
    {
        readonly Dictionary<string, object?> _values = [];
        public TValue GetValue<TValue>(string name) => _values.TryGetValue(name, out var v) && v is TValue t ? t : default!;
        public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
    }
}
