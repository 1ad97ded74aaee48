using System.Runtime.CompilerServices;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cpu;

/// <summary>Dropout of one hidden layer at one step, or none.</summary>
internal readonly record struct DropoutSpec(ulong Key, float Rate)
{
    public float KeepScale => 1f / (1f - Rate);
}

/// <summary>The end of a forward pass for one neuron: a = f(z) over the batch, then dropout. Both forward kernels share it.</summary>
internal static class ForwardActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(LayerActivation activation, ref float zRow, ref float aRow, int neuron, int batch, DropoutSpec? dropout)
    {
        if (activation.Kind == ActivationKind.Softmax) return; // applied over the whole layer by OutputLayer
        var (kind, slope) = (activation.Kind, activation.Slope);
        for (int b = 0; b < batch; b++)
        {
            float v = ActivationMath.Apply(kind, slope, Unsafe.Add(ref zRow, b));
            if (dropout is { } d) v *= DropoutMask.Factor(d.Key, neuron, b, batch, d.Rate, d.KeepScale);
            Unsafe.Add(ref aRow, b) = v;
        }
    }
}
