namespace SetGpu.Data;

/// <summary>MATLAB array classes (mxClassID), as stored in the array-flags subelement of a MAT-file matrix.</summary>
internal enum MatClass : byte
{
    /// <summary>Cell array (not numeric; skipped by the reader).</summary>
    Cell = 1,
    /// <summary>Structure (not numeric; skipped).</summary>
    Struct = 2,
    /// <summary>Object (not numeric; skipped).</summary>
    Object = 3,
    /// <summary>Character array (not numeric; skipped).</summary>
    Char = 4,
    /// <summary>Sparse double or logical matrix (ir/jc/pr); densified by the reader.</summary>
    Sparse = 5,
    /// <summary>double.</summary>
    Double = 6,
    /// <summary>single.</summary>
    Single = 7,
    /// <summary>int8.</summary>
    Int8 = 8,
    /// <summary>uint8 (also logical).</summary>
    UInt8 = 9,
    /// <summary>int16.</summary>
    Int16 = 10,
    /// <summary>uint16.</summary>
    UInt16 = 11,
    /// <summary>int32.</summary>
    Int32 = 12,
    /// <summary>uint32.</summary>
    UInt32 = 13,
    /// <summary>int64.</summary>
    Int64 = 14,
    /// <summary>uint64.</summary>
    UInt64 = 15,
}

/// <summary>MAT-file data element types (miINT8 …), the storage type of a data element's bytes.</summary>
internal enum MatDataType
{
    Int8 = 1, UInt8 = 2, Int16 = 3, UInt16 = 4, Int32 = 5, UInt32 = 6, Single = 7, Double = 9,
    Int64 = 12, UInt64 = 13, Matrix = 14, Compressed = 15, Utf8 = 16, Utf16 = 17, Utf32 = 18,
}
