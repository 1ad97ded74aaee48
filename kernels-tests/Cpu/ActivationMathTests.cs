using SetGpu.Cpu;
using SetGpu.Model;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// <see cref="ActivationMath.Tanh"/>, the tanh every engine uses (CUDA's own is an approximation), against the double
/// tanh: within 2 ulp of the float nearest the true value, from subnormals to saturation, and ±∞ and NaN. And the
/// derivative from the output (what lets the CPU engine drop a layer's pre-activations) against the one from z, bit for bit.
/// </summary>
public class ActivationMathTests
{
    [Fact]
    public void Tanh_is_within_two_ulp_everywhere()
    {
        var zs = new List<float>();
        for (float z = -12f; z <= 12f; z += 1f / 4096) zs.Add(z);
        for (float z = 1e-30f; z < 1f; z *= 1.01f) { zs.Add(z); zs.Add(-z); }
        zs.AddRange([0f, -0f, 0.625f, -0.625f, MathF.BitDecrement(0.625f), 20f, 89f, float.Epsilon]);
        double worst = 0;
        foreach (float z in zs)
        {
            float expected = (float)Math.Tanh(z), actual = ActivationMath.Tanh(z);
            double ulps = Math.Abs(actual - (double)expected) / (MathF.BitIncrement(Math.Abs(expected)) - Math.Abs(expected));
            worst = Math.Max(worst, expected == actual ? 0 : ulps);
            Assert.True(expected == actual || ulps <= 2, $"tanh({z:R}) = {actual:R}, expected {expected:R}: {ulps:F1} ulp");
        }
        Assert.True(worst > 0, "the sweep found no rounding difference at all: is it still testing ActivationMath.Tanh?");
    }

    [Fact]
    public void Tanh_saturates_at_infinity_and_keeps_nan()
    {
        Assert.Equal(1f, ActivationMath.Tanh(float.PositiveInfinity));
        Assert.Equal(-1f, ActivationMath.Tanh(float.NegativeInfinity));
        Assert.True(float.IsNaN(ActivationMath.Tanh(float.NaN)));
        Assert.Equal(1f - ActivationMath.Tanh(3f) * ActivationMath.Tanh(3f), ActivationMath.Derivative(ActivationKind.Tanh, 0f, 3f));
    }

    public static TheoryData<ActivationKind, float, bool> FromOutputCases => new()
    {
        { ActivationKind.PiecewiseLinear, 0f, false }, { ActivationKind.PiecewiseLinear, 0f, true },       // ReLU
        { ActivationKind.PiecewiseLinear, 0.01f, true }, { ActivationKind.PiecewiseLinear, 0.75f, false }, // leaky, all-ReLU
        { ActivationKind.PiecewiseLinear, 1f, true },                                                      // linear
        { ActivationKind.Sigmoid, 0f, false }, { ActivationKind.Tanh, 0f, false },
    };

    /// <summary>Where <see cref="ActivationMath.DerivativeFromOutputIsExact"/> says so, f' from a = f(z)·dropout equals
    /// f'(z), each times the dropout factor, in every bit: over a sweep of z with ±0, subnormals, ±∞ and NaN, and both
    /// factors (0 and the keep scale) when there is dropout.</summary>
    [Theory]
    [MemberData(nameof(FromOutputCases))]
    public void The_derivative_from_the_output_has_the_bits_of_the_one_from_z(ActivationKind kind, float slope, bool dropout)
    {
        Assert.True(ActivationMath.DerivativeFromOutputIsExact(kind, slope, dropout));
        var zs = new List<float>();
        for (float z = -20f; z <= 20f; z += 1f / 512) zs.Add(z);
        for (float z = 1e-44f; z < 1e30f; z *= 1.7f) { zs.Add(z); zs.Add(-z); }
        zs.AddRange([0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN]);
        float[] factors = dropout ? [0f, new DropoutSpec(0, 0.3f).KeepScale] : [1f];
        foreach (float z in zs)
            foreach (float factor in factors)
            {
                float a = ActivationMath.Apply(kind, slope, z);
                if (dropout) a *= factor;
                float expected = ActivationMath.Derivative(kind, slope, z), actual = ActivationMath.DerivativeFromOutput(kind, slope, a);
                if (dropout) { expected *= factor; actual *= factor; }
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                            $"{kind} (slope {slope}), z = {z:R}, factor {factor}: f'(z) = {expected:R}, from a = {a:R}: {actual:R}");
            }
    }

    [Fact]
    public void The_derivative_is_not_taken_from_the_output_where_it_would_differ()
    {
        Assert.False(ActivationMath.DerivativeFromOutputIsExact(ActivationKind.PiecewiseLinear, -0.5f, dropout: false)); // a > 0 for z < 0
        Assert.False(ActivationMath.DerivativeFromOutputIsExact(ActivationKind.Sigmoid, 0f, dropout: true));   // a carries the keep scale
        Assert.False(ActivationMath.DerivativeFromOutputIsExact(ActivationKind.Tanh, 0f, dropout: true));
        Assert.False(ActivationMath.DerivativeFromOutputIsExact(ActivationKind.SRelu, 0f, dropout: false));    // needs its parameters
        Assert.False(ActivationMath.DerivativeFromOutputIsExact(ActivationKind.Softmax, 0f, dropout: false));
        // A sigmoid output scaled by dropout is not σ(z): its derivative would be wrong.
        float z = 0.3f, a = ActivationMath.Apply(ActivationKind.Sigmoid, 0f, z) * new DropoutSpec(0, 0.3f).KeepScale;
        Assert.NotEqual(ActivationMath.Derivative(ActivationKind.Sigmoid, 0f, z), ActivationMath.DerivativeFromOutput(ActivationKind.Sigmoid, 0f, a));
    }
}
