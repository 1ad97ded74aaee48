namespace SetGpu;

/// <summary>The values SET's evolution gives the connections it regrows.</summary>
public enum RegrowthValues
{
    /// <summary>Drawn like the initial weights (<see cref="SetMlpSpec.WeightInit"/>), as SET's reference code does.</summary>
    Initializer,
    /// <summary>
    /// 0, as RigL and Sparse Momentum do: the network's function does not jump at an evolution step. Magnitude pruning
    /// removes the smallest weights and fresh draws replace them, so under <see cref="Initializer"/> the mean |w| of every
    /// layer rises with each step; a bounded output (sigmoid, softmax) absorbs that, a linear one grows with the product of
    /// the layers' scales. Measured on glioma, 4434-1000-1000-1000-4 with a linear output: mean |w| 0.079 → 0.130 over five
    /// steps, and at η = 0.001 the training loss rises from 0.70 in epoch 1 to 3.66 in epoch 6. The command line's <c>--regrow auto</c> picks it
    /// for every output and loss but plain MSE on a sigmoid or softmax output.
    /// </summary>
    Zero,
}
