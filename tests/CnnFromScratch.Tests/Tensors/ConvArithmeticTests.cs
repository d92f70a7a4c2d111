using CnnFromScratch.Layers;

namespace CnnFromScratch.Tests.Tensors;

public sealed class ConvArithmeticTests
{
    [Theory]
    [InlineData(28, 5, 1, 0, 24)]
    [InlineData(24, 2, 2, 0, 12)]
    [InlineData(7, 3, 2, 1, 4)]
    [InlineData(5, 3, 1, 2, 7)]
    [InlineData(3, 2, 1, 0, 2)]
    public void Output_size_is_floor_of_n_plus_2p_minus_f_over_s_plus_1(int n, int f, int s, int p, int expected) =>
        Assert.Equal(expected, ConvArithmetic.OutputSize(n, f, s, p));

    [Fact]
    public void Invalid_arguments_say_what_is_wrong()
    {
        Assert.Contains("stride", Assert.Throws<ArgumentOutOfRangeException>(() => ConvArithmetic.OutputSize(5, 3, 0)).Message);
        Assert.Contains("padding", Assert.Throws<ArgumentOutOfRangeException>(() => ConvArithmetic.OutputSize(5, 3, 1, -1)).Message);
        Assert.Contains("does not fit", Assert.Throws<ArgumentException>(() => ConvArithmetic.OutputSize(4, 5, 1)).Message);
    }
}
