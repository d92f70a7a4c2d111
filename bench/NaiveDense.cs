using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Bench;

/// <summary>
/// The textbook loops of a fully connected layer on the weights of a <see cref="Dense"/>, as the baseline of the per-layer
/// table (the library's Dense has one, fast, implementation). z = x·Wᵀ + b; ∂J/∂W += δᵀx, ∂J/∂b += Σₙ δₙ, ∂J/∂x = δ·W.
/// </summary>
internal sealed class NaiveDense(Dense layer) : ILayer
{
    private Tensor? _input;

    public string Name => layer.Name;
    public IReadOnlyList<Parameter> Parameters => layer.Parameters;
    public int[] OutputShape(IReadOnlyList<int> inputShape) => layer.OutputShape(inputShape);

    public Tensor Forward(Tensor input)
    {
        int n = input.Dim(0), d = layer.Inputs, k = layer.Outputs;
        float[] x = input.Data, w = layer.Weights.Value.Data, b = layer.Bias.Value.Data;
        var z = new Tensor(n, k);
        for (int s = 0; s < n; s++)
            for (int o = 0; o < k; o++)
            {
                float sum = b[o];
                for (int i = 0; i < d; i++) sum += x[s * d + i] * w[o * d + i];
                z.Data[s * k + o] = sum;
            }
        _input = input;
        return z;
    }

    public Tensor Backward(Tensor dOutput)
    {
        Tensor input = _input ?? throw new InvalidOperationException("Forward first.");
        int n = input.Dim(0), d = layer.Inputs, k = layer.Outputs;
        float[] x = input.Data, w = layer.Weights.Value.Data, delta = dOutput.Data;
        float[] dW = layer.Weights.Gradient.Data, db = layer.Bias.Gradient.Data;
        var dx = new Tensor(n, d);
        for (int s = 0; s < n; s++)
            for (int o = 0; o < k; o++)
            {
                float g = delta[s * k + o];
                db[o] += g;
                for (int i = 0; i < d; i++)
                {
                    dW[o * d + i] += g * x[s * d + i];
                    dx.Data[s * d + i] += g * w[o * d + i];
                }
            }
        return dx;
    }
}
