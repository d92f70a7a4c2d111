using CnnFromScratch.Exercises;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Exercises;

public sealed class ConvolutionExercisesTests
{
    // The solution in notebooks/solutions/02-convolution.csx, with a switch for each plausible mistake.
    private static Tensor Convolve2d(Tensor a, Tensor w, bool flipKernel = false, bool swapKernelAxes = false, int sizeError = 0)
    {
        int f = w.Dim(0);
        var z = new Tensor(a.Dim(0) - f + 1 + sizeError, a.Dim(1) - f + 1 + sizeError);
        for (int i = 0; i < z.Dim(0); i++)
            for (int j = 0; j < z.Dim(1); j++)
            {
                float sum = 0;
                for (int u = 0; u < f; u++)
                    for (int v = 0; v < f; v++)
                    {
                        float weight = flipKernel ? w[f - 1 - u, f - 1 - v] : swapKernelAxes ? w[v, u] : w[u, v];
                        // Clamp so the wrong-size variants index inside a and fail on values or shape, not on an exception.
                        int r = Math.Min(i + u, a.Dim(0) - 1), c = Math.Min(j + v, a.Dim(1) - 1);
                        sum += a[r, c] * weight;
                    }
                z[i, j] = sum;
            }
        return z;
    }

    private static int OutputSize(int n, int f, int s, int p) => (n + 2 * p - f) / s + 1;

    [Fact]
    public void Convolve2d_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, ConvolutionExercises.CheckConvolve2d((a, w) => Convolve2d(a, w)).Status);

    [Fact]
    public void Convolve2d_rejects_a_flipped_kernel_and_says_so()
    {
        ExerciseResult r = ConvolutionExercises.CheckConvolve2d((a, w) => Convolve2d(a, w, flipKernel: true));
        ExerciseAssert.Rejects(r);
        // The hand example's kernel is symmetric under a 180° turn, so the asymmetric case is the one that catches it.
        Assert.Contains("asymmetric kernel", r.Message);
        Assert.Contains("flipped the kernel", r.Message);
    }

    [Fact]
    public void Convolve2d_rejects_swapped_kernel_axes() =>
        Assert.Contains("axes are swapped", ConvolutionExercises.CheckConvolve2d((a, w) => Convolve2d(a, w, swapKernelAxes: true)).Message);

    [Fact]
    public void Convolve2d_rejects_an_output_one_too_small()
    {
        ExerciseAssert.Rejects(ConvolutionExercises.CheckConvolve2d((a, w) => Convolve2d(a, w, sizeError: -1)),
            "expected shape 2×2 but got 1×1", "off by one");
    }

    [Fact]
    public void Convolve2d_rejects_an_output_as_large_as_the_input() =>
        Assert.Contains("needs padding", ConvolutionExercises.CheckConvolve2d((a, w) => Convolve2d(a, w, sizeError: w.Dim(0) - 1)).Message);

    [Fact]
    public void Convolve2d_reports_a_stub_as_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, ConvolutionExercises.CheckConvolve2d((_, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void OutputSize_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, ConvolutionExercises.CheckOutputSize(OutputSize).Status);

    [Fact]
    public void OutputSize_rejects_rounding_up_and_hints_at_the_floor()
    {
        ExerciseAssert.Rejects(ConvolutionExercises.CheckOutputSize((n, f, s, p) => (int)Math.Ceiling((n + 2.0 * p - f) / s) + 1),
            "outputSize(n: 6, f: 3, s: 2, p: 0): expected 2 but got 3", "round down");
    }

    [Fact]
    public void OutputSize_rejects_padding_on_one_side_only() =>
        Assert.Contains("both sides", ConvolutionExercises.CheckOutputSize((n, f, s, p) => (n + p - f) / s + 1).Message);

    [Fact]
    public void OutputSize_rejects_a_forgotten_plus_one() =>
        Assert.Contains("add 1", ConvolutionExercises.CheckOutputSize((n, f, s, p) => (n + 2 * p - f) / s).Message);

    [Fact]
    public void OutputSize_reports_a_stub_as_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, ConvolutionExercises.CheckOutputSize((_, _, _, _) => throw new NotImplementedException()).Status);
}
