namespace SetGpu;

/// <summary>How the connectivity of the layers is chosen and whether it changes.</summary>
public enum TopologyKind
{
    /// <summary>Erdős–Rényi sparse topology that evolves with SET after each epoch.</summary>
    Set,
    /// <summary>The same Erdős–Rényi topology, never evolved (the static-sparse baseline).</summary>
    StaticSparse,
    /// <summary>Every layer fully connected (the dense baseline), stored in the same CSR form.</summary>
    Dense,
}
