using System.Buffers.Binary;

namespace CnnFromScratch.Data;

// The elements of an IDX file: big-endian bytes to and from the .NET array of the element type.
public static partial class IdxFile
{
    private static Array Decode(IdxElementType type, byte[] payload, int count)
    {
        switch (type)
        {
            case IdxElementType.UnsignedByte:
                return payload;
            case IdxElementType.SignedByte:
                return payload.Select(b => unchecked((sbyte)b)).ToArray();
            case IdxElementType.Int16:
            {
                var v = new short[count];
                for (int i = 0; i < count; i++) v[i] = BinaryPrimitives.ReadInt16BigEndian(payload.AsSpan(2 * i));
                return v;
            }
            case IdxElementType.Int32:
            {
                var v = new int[count];
                for (int i = 0; i < count; i++) v[i] = BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(4 * i));
                return v;
            }
            case IdxElementType.Single:
            {
                var v = new float[count];
                for (int i = 0; i < count; i++) v[i] = BinaryPrimitives.ReadSingleBigEndian(payload.AsSpan(4 * i));
                return v;
            }
            default:
            {
                var v = new double[count];
                for (int i = 0; i < count; i++) v[i] = BinaryPrimitives.ReadDoubleBigEndian(payload.AsSpan(8 * i));
                return v;
            }
        }
    }

    private static byte[] Encode(IdxArray array)
    {
        int size = IdxArray.ElementSize(array.ElementType);
        var bytes = new byte[(long)array.Length * size];
        switch (array.Values)
        {
            case byte[] v: v.CopyTo(bytes, 0); break;
            case sbyte[] v: for (int i = 0; i < v.Length; i++) bytes[i] = unchecked((byte)v[i]); break;
            case short[] v: for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(2 * i), v[i]); break;
            case int[] v: for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * i), v[i]); break;
            case float[] v: for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(4 * i), v[i]); break;
            case double[] v: for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(8 * i), v[i]); break;
        }
        return bytes;
    }
}
