namespace SetGpu.Training;

/// <summary>
/// An engine whose trained values can be copied out to the host and back in one fixed order, so that data-parallel
/// training can average them between processes. Per weight layer, in order: the weights, then (with
/// <c>withState</c>) each optimiser state array of the weights, the biases, their state arrays, the activation's learned
/// parameters and their state arrays. The length changes only with evolution.
/// </summary>
public interface IParameterExchange
{
    /// <summary>How many floats <see cref="ReadParameters"/> writes.</summary>
    long ParameterValues(bool withState);

    /// <summary>Copies every trained value (with <paramref name="withState"/>, the optimiser's state too) into <paramref name="into"/>.</summary>
    void ReadParameters(Span<float> into, bool withState);

    /// <summary>Replaces every trained value by those of <paramref name="from"/>, in <see cref="ReadParameters"/>' order.</summary>
    void WriteParameters(ReadOnlySpan<float> from, bool withState);

    /// <summary>A 64-bit hash of every layer's topology (CSR offsets and columns): equal on two engines exactly when their topologies are, barring collisions.</summary>
    ulong TopologyHash();
}
