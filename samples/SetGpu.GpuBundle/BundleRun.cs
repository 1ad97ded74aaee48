using System.Diagnostics;
using SetGpu.GpuBundle.Reporting;
using SetGpu.GpuBundle.Sections;

namespace SetGpu.GpuBundle;

/// <summary>
/// The <c>report</c> command: the whole GPU run, section by section, each part in a child process stopped at its
/// budget, so that the run ends within <see cref="RunBudget"/>'s total however a part fails. report.json and
/// report.md are written before the first section and after every one: they always hold every section.
/// </summary>
internal static class BundleRun
{
    /// <summary>Exit codes: every section passed or was skipped; one ran out of budget; one failed.</summary>
    const int Passed = 0, Failed = 1, OverBudget = 3;

    /// <summary>On the fallback the budgets, made for a GPU machine, are multiplied; the report says so.</summary>
    static void ScaleBudgets(RunContext run, IEnumerable<SectionResult> later)
    {
        run.BudgetFactor = RunContext.FallbackBudgetFactor;
        foreach (var section in later) section.BudgetSeconds *= run.BudgetFactor;
        run.Report.BudgetSeconds = run.Report.Sections.Sum(s => s.BudgetSeconds);
        run.Report.BudgetNote = $"the GPU budgets × {run.BudgetFactor:G}: the device rows ran on {run.DeviceEngine}, on the host";
    }

    public static int Run(BundleOptions options)
    {
        bool quick = options.Switch("quick");
        var plan = RunBudget.Plan(quick);
        var sections = plan.Select(p => new SectionResult(p.Id, p.Title, quick ? p.QuickSeconds : p.FullSeconds)).ToList();
        var report = new Report(options.Required("out"), sections)
        {
            Mode = quick ? "--quick" : "full", Bundle = options.String("bundle", "a development build (not a bundle)"),
            BudgetSeconds = sections.Sum(s => s.BudgetSeconds),
        };
        string work = Path.Combine(Path.GetTempPath(), $"setgpu-bundle-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        var run = new RunContext
        {
            Quick = quick, Fallback = options.OptionalString("engine-fallback"), DataDir = Path.GetFullPath(options.Required("data")),
            WorkDir = work, Report = report,
        };
        foreach (var (section, planned) in sections.Zip(plan).Where(s => s.First.BudgetSeconds == 0))
        {
            section.Status = SectionStatus.Skipped;
            section.Summary = $"not part of --quick ({planned.FullSeconds:F0} s in the full run)";
        }
        report.Write();

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            if (section.Status == SectionStatus.Skipped)
            {
                Console.WriteLine($"[{i + 1}/{sections.Count}] {section.Title}: skipped, {section.Summary}");
                continue;
            }
            Console.WriteLine($"[{i + 1}/{sections.Count}] {section.Title} (budget {section.BudgetSeconds:F0} s, {clock.Elapsed.TotalSeconds:F0} s so far)");
            var sectionClock = Stopwatch.StartNew();
            try
            {
                plan[i].Run(run, section);
            }
            catch (Exception e)
            {
                section.Fail($"{e.GetType().Name}: {e.Message}");
                section.Notes.Add(e.ToString());
            }
            if (section.Status == SectionStatus.NotRun) section.Fail("the section ended without a result");
            if (section.Id == "machine" && run.DeviceEngine != "cuda") ScaleBudgets(run, sections.Skip(i + 1));
            section.Seconds = sectionClock.Elapsed.TotalSeconds;
            report.Seconds = clock.Elapsed.TotalSeconds;
            report.Write();
            Console.WriteLine($"[{i + 1}/{sections.Count}] {section.Title}: {section.Status} in {section.Seconds:F0} s: {section.Summary}");
        }
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }

        Console.WriteLine();
        Console.WriteLine(report.Headline);
        Console.WriteLine($"{report.Mode} run: {report.Seconds:F0} s (budget {report.BudgetSeconds:F0} s); " +
                          $"{sections.Count(s => s.Status == SectionStatus.Passed)} sections passed, " +
                          $"{sections.Count(s => s.Status == SectionStatus.Failed)} failed, {sections.Count(s => s.Status == SectionStatus.TimedOut)} over budget, " +
                          $"{sections.Count(s => s.Status == SectionStatus.Skipped)} skipped. Report: {Path.Combine(options.Required("out"), "report.md")}");
        return sections.Any(s => s.Status == SectionStatus.Failed) ? Failed
            : sections.Any(s => s.Status == SectionStatus.TimedOut) ? OverBudget : Passed;
    }
}
