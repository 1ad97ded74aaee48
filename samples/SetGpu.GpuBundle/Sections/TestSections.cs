using System.Text.Json;
using SetGpu.GpuBundle.Reporting;
using SetGpu.GpuBundle.Testing;

namespace SetGpu.GpuBundle.Sections;

/// <summary>The test suite's tests of the device rows' backend, and the PTX assembly test with the machine's own ptxas.</summary>
internal static class TestSections
{
    /// <summary>
    /// Every parity test of the backend (<c>Backend=cuda</c>: kernels, device evolution, engines, resume, prediction).
    /// On CUDA they are required (<c>SETGPU_REQUIRE=cuda</c>): a missing device fails them instead of skipping them.
    /// </summary>
    public static void Backend(RunContext run, SectionResult section)
    {
        bool cuda = run.DeviceEngine == "cuda";
        var environment = run.Environment();
        if (cuda) environment["SETGPU_REQUIRE"] = "cuda";
        // On the fallback the suite has already run in CI's own test step: --quick keeps to its quick lane there.
        string filter = $"Backend={run.DeviceEngine}" + (!cuda && run.Quick ? "&Category!=Slow" : "");
        RunTests(run, section, filter, cuda ? "SETGPU_REQUIRE=cuda" : "", environment);
    }

    /// <summary>Every kernel's PTX assembled by the machine's own ptxas (PtxasTests), where it has one.</summary>
    public static void Ptxas(RunContext run, SectionResult section)
    {
        if (run.Ptxas is null)
        {
            section.Status = SectionStatus.Skipped;
            section.Summary = "no ptxas on the PATH or in /usr/local/cuda/bin";
            return;
        }
        var environment = run.Environment(("SETGPU_REQUIRE", "ptxas"), ("SETGPU_PTXAS", run.Ptxas));
        RunTests(run, section, "FullyQualifiedName~SetGpu.KernelsTests.Gpu.PtxasTests", $"SETGPU_PTXAS={run.Ptxas}", environment);
    }

    static void RunTests(RunContext run, SectionResult section, string filter, string settings, Dictionary<string, string> environment)
    {
        string path = run.ResultPath($"{section.Id}.json");
        var outcome = run.Child($"tests '{filter}'", section.BudgetSeconds,
                                ["test", "--filter", filter, "--settings", settings, "--result", path], environment);
        var summary = BundleJson.Read<TestSummary>(path);
        if (summary is null)
        {
            section.Fail($"the test runner wrote no result: {outcome.Why}");
            return;
        }
        section.Details["tests"] = JsonSerializer.SerializeToNode(summary, BundleJson.Options);
        string counts = $"{summary.Selected} tests '{filter}'{(settings == "" ? "" : $" with {settings}")}: {summary.Passed} passed, " +
                        $"{summary.Failed} failed, {summary.Skipped} skipped";
        if (summary.Failures.Count > 0)
        {
            var failures = new MarkdownTable("Failures (the whole message and stack are in report.json):", "test", "message", "#seconds");
            foreach (var f in summary.Failures) failures.Add(f.Test, Text.Shorten(f.Message, 600), $"{f.Seconds:F1}");
            section.Tables.Add(failures);
        }
        if (summary.Skips.Count > 0)
        {
            var skips = new MarkdownTable("Skipped:", "reason", "#tests", "for example");
            foreach (var s in summary.Skips) skips.Add(Text.Shorten(s.Reason, 300), $"{s.Count}", s.Example);
            section.Tables.Add(skips);
        }
        foreach (var error in summary.Errors) section.Notes.Add(Text.Shorten(error, 600));

        if (outcome.TimedOut)
        {
            section.Status = SectionStatus.TimedOut;
            section.Summary = $"{counts}; stopped after {summary.Completed} of {summary.Selected}";
            if (summary.Running.Count > 0) section.Notes.Add($"still running when stopped: {string.Join("; ", summary.Running)}");
        }
        else if (summary.Selected == 0) section.Fail($"no test matched '{filter}'");
        else if (!summary.Finished || summary.Failed > 0 || summary.Errors.Count > 0 || !outcome.Succeeded)
            section.Fail(counts + (summary.Finished ? "" : $"; the runner ended early: {outcome.Why}"));
        else
        {
            section.Status = SectionStatus.Passed;
            section.Summary = $"{counts} in {summary.Seconds:F0} s";
        }
    }
}
