using System.Reflection;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>The specifications: value equality over every field, JSON round trips, one place of validation.</summary>
public class SpecTests
{
    static readonly SetMlpSpec Mlp = new()
    {
        LayerSizes = [6, 5, 3], Epsilon = 3, Dropout = 0.1f, Schedule = LearningRateSchedule.Cosine, Patience = 2,
        Optimizer = new Sgd { LearningRate = 0.02f, Momentum = 0.5f, Nesterov = true },
    };

    static readonly SetRbmSpec Rbm = new() { Visible = 6, Hidden = 4, Persistent = true, Ais = new AisOptions { Runs = 10, Betas = 20 }, AisInterval = 2 };

    /// <summary>
    /// Every settable property, changed alone, makes the specification unequal: a field added without joining
    /// <see cref="SetMlpSpec.Equals(SetMlpSpec?)"/> fails here. Equal arrays in different objects stay equal.
    /// </summary>
    [Fact]
    public void Every_field_takes_part_in_equality()
    {
        Assert.Equal(Mlp, Mlp with { LayerSizes = [6, 5, 3] });
        Assert.Equal(Mlp.GetHashCode(), (Mlp with { LayerSizes = [6, 5, 3] }).GetHashCode());
        foreach (var spec in new SetSpec[] { Mlp, Rbm })
            foreach (var property in spec.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
            {
                var changed = Clone(spec);
                property.SetValue(changed, Different(property.GetValue(spec), property.PropertyType));
                Assert.False(spec.Equals(changed), $"{spec.GetType().Name}.{property.Name} is not compared");
            }
    }

    static SetSpec Clone(SetSpec spec) => spec with { };

    static object? Different(object? value, Type type) => value switch
    {
        int[] sizes => sizes.Append(2).ToArray(),
        int i => i + 1,
        ulong u => u + 1,
        double d => d / 2 + 0.01,
        float f => f / 2 + 0.01f,
        bool b => !b,
        Enum e => Enum.GetValues(type).Cast<object>().First(v => !v.Equals(e)),
        Sgd sgd => sgd with { LearningRate = sgd.LearningRate / 2 },
        AisOptions ais => ais with { Runs = ais.Runs + 1 },
        null when type == typeof(AisOptions) => new AisOptions(),
        WastEvolution wast => wast with { Zeta = wast.Zeta / 2 },
        null when type == typeof(WastEvolution) => new WastEvolution(),
        _ => throw new InvalidOperationException($"no different value for {type.Name}"),
    };

    [Fact]
    public void Specifications_round_trip_through_the_report_json_with_their_model_and_optimiser_kind()
    {
        foreach (var spec in new SetSpec[] { Mlp, Rbm })
        {
            var report = new TrainingReport { Spec = spec, Engine = "cpu", Device = "cpu" };
            string json = report.ToJson();
            Assert.Contains(spec is SetMlpSpec ? "\"model\": \"mlp\"" : "\"model\": \"rbm\"", json);
            Assert.Contains("\"kind\": \"sgd\"", json);
            Assert.Equal(spec, TrainingReport.FromJson(json, "test").Spec);
        }
    }

    [Fact]
    public void A_report_of_another_format_version_is_refused_naming_it()
    {
        var json = new TrainingReport { Spec = Mlp, Engine = "cpu", Device = "cpu" }.ToJson().Replace("\"version\": 2", "\"version\": 1");
        Assert.Contains("x.json: report format version 1; this build reads version 2",
            Assert.Throws<ReportFormatException>(() => TrainingReport.FromJson(json, "x.json")).Message);
    }

    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, 0, "cpu")]
    [InlineData("ilgpu-cpu", DeviceKind.IlgpuCpu, 0, "ilgpu-cpu")]
    [InlineData("opencl", DeviceKind.OpenCl, 0, "opencl:0")]
    [InlineData("OpenCL:2", DeviceKind.OpenCl, 2, "opencl:2")]
    [InlineData("cuda:1", DeviceKind.Cuda, 1, "cuda:1")]
    [InlineData("auto", DeviceKind.Auto, 0, "auto")]
    public void Devices_read_and_write_as_on_the_command_line(string text, DeviceKind kind, int index, string written)
    {
        var device = Device.Parse(text);
        Assert.Equal(new Device(kind, index), device);
        Assert.Equal(written, device.ToString());
        Assert.Equal(device, Device.Parse(device.ToString()));
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cpu:0")]
    [InlineData("cuda:-1")]
    [InlineData("opencl:x")]
    [InlineData("")]
    public void Unknown_devices_are_refused_listing_the_forms(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => Device.Parse(text));
        Assert.Contains($"unknown device '{text}'; use auto, cpu, ilgpu-cpu, opencl[:N], cuda[:N]", error.Message);
    }
}
