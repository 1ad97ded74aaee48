namespace SetGpu;

/// <summary>How the values of new connections (initial and regrown) are drawn.</summary>
public enum WeightInitKind
{
    /// <summary>Uniform in ±sqrt(6 / fan-in), with the layer's mean sparse fan-in (nnz / outputs).</summary>
    HeUniform,
    /// <summary>N(0, 1) / 10, as the SET reference code does.</summary>
    ReferenceNormal,
    /// <summary>
    /// 0: for regrown connections only (<see cref="RegrowthValues.Zero"/>), which then move by their gradient. A network
    /// cannot start from it: every unit of a layer would get the same gradient.
    /// </summary>
    Zero,
}
