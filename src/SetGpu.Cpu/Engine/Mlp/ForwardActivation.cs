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
    /// <summary>
    /// a = f(z) for <paramref name="neuron"/> over the batch, then dropout; <paramref name="parameters"/> are the layer's
    /// SReLU parameters (of <paramref name="outputs"/> neurons), null for every other activation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(LayerActivation activation, float[]? parameters, int outputs, ref float zRow, ref float aRow, int neuron,
                             int batch, DropoutSpec? dropout)
    {
        if (activation.Kind == ActivationKind.Softmax) return; // applied over the whole layer by OutputLayer
        if (activation.Kind == ActivationKind.SRelu)
        {
            SRelu(parameters!, outputs, ref zRow, ref aRow, neuron, batch, dropout);
            return;
        }
        var (kind, slope) = (activation.Kind, activation.Slope);
        for (int b = 0; b < batch; b++)
        {
            float v = ActivationMath.Apply(kind, slope, Unsafe.Add(ref zRow, b));
            if (dropout is { } d) v *= DropoutMask.Factor(d.Key, neuron, b, batch, d.Rate, d.KeepScale);
            Unsafe.Add(ref aRow, b) = v;
        }
    }

    static void SRelu(float[] parameters, int outputs, ref float zRow, ref float aRow, int neuron, int batch, DropoutSpec? dropout)
    {
        float tLeft = parameters[SReluParameters.LeftThreshold * outputs + neuron], aLeft = parameters[SReluParameters.LeftSlope * outputs + neuron];
        float tRight = parameters[SReluParameters.RightThreshold * outputs + neuron], aRight = parameters[SReluParameters.RightSlope * outputs + neuron];
        for (int b = 0; b < batch; b++)
        {
            float v = SReluParameters.Apply(Unsafe.Add(ref zRow, b), tLeft, aLeft, tRight, aRight);
            if (dropout is { } d) v *= DropoutMask.Factor(d.Key, neuron, b, batch, d.Rate, d.KeepScale);
            Unsafe.Add(ref aRow, b) = v;
        }
    }
}
