using System.Globalization;
using CnnFromScratch.Data;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Exercises;

// The check of chapter 05's own layer class, a leaky ReLU, and the hints that name its likely mistakes.
public static partial class TrainingExercises
{
    /// <summary>
    /// Checks a leaky ReLU layer class, created by create(α): a = z for z &gt; 0 and αz otherwise. Compared with the
    /// library's <see cref="LeakyReLU"/> on its own (output shape, forward, backward, input left unchanged) and inside a
    /// <see cref="Sequential"/> between a convolution and a dense layer (logits and every gradient), for α = 0.1 and 0.2
    /// and two batch sizes.
    /// </summary>
    public static ExerciseResult CheckLeakyReLULayer(Func<float, ILayer> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return ExerciseCheck.Run("leaky-relu-layer", c =>
        {
            var random = new Random(31);
            foreach (float slope in new[] { 0.1f, 0.2f })
            {
                string alpha = string.Create(CultureInfo.InvariantCulture, $"α = {slope}");
                ILayer layer = create(slope);
                c.True(layer is not null, $"create({alpha}) returned null.", "return new MyLeakyReLU(slope).");
                c.True(layer!.Parameters is { Count: 0 }, $"{alpha}: Parameters must be an empty list (a leaky ReLU learns nothing).", "return [] (or Array.Empty<Parameter>()).");
                int[] shape = layer.OutputShape([2, 5, 5]);
                c.True(shape.SequenceEqual(new[] { 2, 5, 5 }), $"{alpha}: OutputShape([2, 5, 5]) returned {TensorShape.Format(shape)}.",
                    "an element-wise layer keeps the shape: return the input shape.");

                // Values kept 0.05 away from the kink, so that the sign of z is unambiguous.
                Tensor z = Tensor.RandomNormal(random, 1f, 2, 3, 4, 4).Map(x => x + (x >= 0 ? 0.05f : -0.05f));
                Tensor dOut = Tensor.RandomNormal(random, 1f, 2, 3, 4, 4);
                var library = new LeakyReLU(slope);
                Tensor expected = library.Forward(z.Clone()).Clone();
                Tensor expectedDz = library.Backward(dOut.Clone()).Clone();

                Tensor input = z.Clone();
                Tensor a = layer.Forward(input);
                c.True(input.MaxAbsDifference(z) == 0f, $"{alpha}: Forward changed its input tensor.",
                    "write a into a new tensor: the input may belong to the layer before, which still needs it.");
                c.Close($"Forward ({alpha})", expected, a, hint: "a = z where z > 0 and α·z elsewhere (the slope multiplies the negative side).");
                Tensor dz = layer.Backward(dOut.Clone());
                c.Close($"Backward ({alpha})", expectedDz, dz, hint: LeakyBackwardHint(dz, z, dOut, slope));

                // Inside a Sequential, twice with different batch sizes: the layer must cache its own input on every Forward.
                foreach (int n in new[] { 4, 2 })
                {
                    Tensor images = Tensor.RandomNormal(random, 1f, n, 1, 6, 6);
                    Tensor y = OneHot.Encode(Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 3);
                    var (logits, dInput, gradients) = RunModel(new LeakyReLU(slope), images, y);
                    string where = $"inside a Sequential with a batch of {n} ({alpha})";
                    Tensor yourLogits, yourDInput;
                    Tensor[] yourGradients;
                    try
                    {
                        // The same instance as above: a layer is reused across batches of different sizes.
                        (yourLogits, yourDInput, yourGradients) = RunModel(layer, images, y);
                    }
                    catch (Exception e) when (e is not NotImplementedException)
                    {
                        c.True(false, $"{where}: your layer threw {e.GetType().Name}: {e.Message}",
                            "Forward must work for any batch size and cache the z of the most recent Forward, which Backward then uses.");
                        return;
                    }
                    c.Close($"the model's logits {where}", logits, yourLogits, hint: "Forward must return α·z for z ≤ 0 and z otherwise, for any batch size.");
                    for (int p = 0; p < gradients.Length; p++)
                        c.Close($"gradient {p} of the model {where}", gradients[p], yourGradients[p],
                            hint: "Backward must use the z cached by the most recent Forward (the batch size changed since the last call).");
                    c.Close($"∂J/∂input of the model {where}", dInput, yourDInput, hint: "Backward returns ∂J/∂z with the shape of z.");
                }
            }
        });
    }

    // ---- the layer class ----

    private static string LeakyBackwardHint(Tensor? dz, Tensor z, Tensor dOut, float slope)
    {
        if (dz is null || !dz.SameShape(z)) return "Backward returns ∂J/∂z with the shape of z (and of ∂J/∂a).";
        if (dz.MaxAbsDifference(dOut) <= 1e-6f)
            return "you passed ∂J/∂a through unchanged, as if the layer were the identity: multiply by the local derivative, 1 where z > 0 and α elsewhere.";
        bool zeroWhereNegative = Enumerable.Range(0, z.Length).All(i => z.Data[i] > 0 || dz.Data[i] == 0f);
        if (zeroWhereNegative)
            return "that is plain ReLU's backward: where z ≤ 0 the leaky ReLU's derivative is α, not 0, so ∂J/∂z = α·∂J/∂a there.";
        bool maskFromGradient = Enumerable.Range(0, z.Length).All(i =>
            MathF.Abs(dz.Data[i] - (dOut.Data[i] > 0 ? dOut.Data[i] : slope * dOut.Data[i])) <= 1e-5f);
        if (maskFromGradient)
            return "the slope depends on the sign of z (remember z, or a, in Forward), not on the sign of the gradient ∂J/∂a.";
        return "∂J/∂z = ∂J/∂a where z > 0 and α·∂J/∂a elsewhere, with z the input of the last Forward call.";
    }

    private static (Tensor Logits, Tensor DInput, Tensor[] Gradients) RunModel(ILayer activation, Tensor images, Tensor y)
    {
        var random = new Random(51);
        var model = new Sequential([1, 6, 6],
            new Conv2d(1, 2, 3, random, implementation: Implementation.Naive), activation, new Flatten(), new Dense(32, 3, random));
        model.ZeroGradients();
        var loss = new SoftmaxCrossEntropy();
        Tensor logits = model.Forward(images.Clone()).Clone();
        loss.Forward(logits, y);
        Tensor dInput = model.Backward(loss.Backward()).Clone();
        return (logits, dInput, model.Parameters.Select(p => p.Gradient.Clone()).ToArray());
    }
}
