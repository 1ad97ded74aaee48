using SetGpu.Model;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// <see cref="ActivationMath.Tanh"/>, the tanh every engine uses (CUDA's own is an approximation), against the double
/// tanh: within 2 ulp of the float nearest the true value, from subnormals to saturation, and ±∞ and NaN.
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
}
