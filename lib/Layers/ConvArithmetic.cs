namespace CnnFromScratch.Layers;

/// <summary>
/// The one home of the output-size formula shared by convolution and pooling:
/// out = ⌊(n + 2p − f) / s⌋ + 1 for input size n, window f, stride s and zero padding p.
/// </summary>
public static class ConvArithmetic
{
    /// <summary>The output size along one axis; throws a message that explains which argument is wrong.</summary>
    public static int OutputSize(int inputSize, int window, int stride, int padding = 0)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The input size must be positive.");
        if (window <= 0) throw new ArgumentOutOfRangeException(nameof(window), window, "The kernel/window size must be positive.");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride must be at least 1.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "The padding cannot be negative.");
        if (DoesNotFit(inputSize, window, padding) is string reason) throw new ArgumentException(reason);
        return (inputSize + 2 * padding - window) / stride + 1;
    }

    /// <summary>Why a window does not fit in the padded input, or null when it fits (the arguments being positive).</summary>
    internal static string? DoesNotFit(int inputSize, int window, int padding)
    {
        int padded = inputSize + 2 * padding;
        return window > padded
            ? $"A window of {window} does not fit in an input of {inputSize} with padding {padding} ({padded} wide). " +
              "Use a smaller kernel, more padding, or a larger input."
            : null;
    }
}
