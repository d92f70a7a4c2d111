using System.Globalization;
using System.Text;

namespace CnnFromScratch.Tensors;

/// <summary>Writes a tensor as nested brackets, like NumPy, abbreviating long dimensions.</summary>
internal static class TensorFormatter
{
    private const int EdgeItems = 3;     // shown at each end of a long dimension
    private const int FullUpTo = 8;      // dimensions up to this size are printed whole

    public static string Format(Tensor t)
    {
        var sb = new StringBuilder();
        sb.Append("Tensor ").Append(TensorShape.Format(t.Shape)).Append('\n');
        Append(sb, t, 0, 0, 1);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, Tensor t, int axis, int offset, int indent)
    {
        int size = t.Shape[axis];
        int stride = 1;
        for (int d = axis + 1; d < t.Rank; d++) stride *= t.Shape[d];
        sb.Append('[');
        for (int i = 0; i < size; i++)
        {
            if (size > FullUpTo && i == EdgeItems)
            {
                sb.Append(axis == t.Rank - 1 ? "…, " : "…,\n" + new string(' ', indent));
                i = size - EdgeItems - 1;
                continue;
            }
            if (axis == t.Rank - 1)
                sb.Append(t.Data[offset + i].ToString("0.####", CultureInfo.InvariantCulture));
            else
                Append(sb, t, axis + 1, offset + i * stride, indent + 1);
            if (i < size - 1)
                sb.Append(axis == t.Rank - 1 ? ", " : ",\n" + new string(' ', indent));
        }
        sb.Append(']');
    }
}
