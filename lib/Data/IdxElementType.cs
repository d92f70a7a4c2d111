namespace CnnFromScratch.Data;

/// <summary>
/// The element types an IDX file can hold: the third byte of its magic number.
/// MNIST stores pixels and labels as <see cref="UnsignedByte"/>.
/// </summary>
public enum IdxElementType : byte
{
    /// <summary>0x08: unsigned byte (<see cref="byte"/>).</summary>
    UnsignedByte = 0x08,

    /// <summary>0x09: signed byte (<see cref="sbyte"/>).</summary>
    SignedByte = 0x09,

    /// <summary>0x0B: 16-bit integer, big-endian (<see cref="short"/>).</summary>
    Int16 = 0x0B,

    /// <summary>0x0C: 32-bit integer, big-endian (<see cref="int"/>).</summary>
    Int32 = 0x0C,

    /// <summary>0x0D: 32-bit float, big-endian (<see cref="float"/>).</summary>
    Single = 0x0D,

    /// <summary>0x0E: 64-bit float, big-endian (<see cref="double"/>).</summary>
    Double = 0x0E,
}
