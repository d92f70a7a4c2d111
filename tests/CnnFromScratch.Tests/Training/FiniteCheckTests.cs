using CnnFromScratch.Fast;

namespace CnnFromScratch.Tests.Training;

public sealed class FiniteCheckTests
{
    [Theory]
    [InlineData(7)]        // the scalar tail only
    [InlineData(100)]      // vectors and a tail
    [InlineData(200_003)]  // split across the cores
    public void Finds_a_NaN_or_infinity_anywhere_and_passes_huge_finite_values(int length)
    {
        var data = new float[length];
        Array.Fill(data, 3e38f); // finite, though any sum of two overflows
        Assert.True(ElementwisePass.AllFinite(data));
        foreach (int at in new[] { 0, length / 2, length - 1 })
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                data[at] = bad;
                Assert.False(ElementwisePass.AllFinite(data), $"{bad} at {at} of {length}");
                data[at] = -3e38f;
            }
        Assert.True(ElementwisePass.AllFinite(data));
    }
}
