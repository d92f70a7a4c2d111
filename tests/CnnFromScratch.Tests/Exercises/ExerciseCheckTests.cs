using CnnFromScratch.Exercises;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Exercises;

public sealed class ExerciseCheckTests
{
    private static readonly Tensor Expected = Tensor.Vector(1, 2, 3);

    [Fact]
    public void A_matching_answer_passes() =>
        Assert.Equal(ExerciseStatus.Passed, ExerciseCheck.Run("demo", c => c.Close("v", Expected, Tensor.Vector(1, 2, 3))).Status);

    [Fact]
    public void An_unfinished_stub_is_not_done_and_does_not_throw()
    {
        ExerciseResult r = ExerciseCheck.Run("demo", c => c.Close("v", Expected, Stub()));
        Assert.Equal(ExerciseStatus.NotDone, r.Status);
        Assert.StartsWith("⏳ demo: not done yet", r.ToString());
    }

    [Fact]
    public void A_wrong_answer_names_the_first_mismatch_and_the_hint()
    {
        ExerciseResult r = ExerciseCheck.Run("demo", c => c.Close("v", Expected, Tensor.Vector(1, 2, 4), hint: "look at the last element"));
        ExerciseAssert.Rejects(r);
        Assert.Equal("❌ demo: v: at [2] expected 3 but got 4. Hint: look at the last element", r.ToString());
    }

    [Fact]
    public void A_wrong_shape_or_an_exception_fails()
    {
        Assert.Contains("expected shape 3 but got 2", ExerciseCheck.Run("demo", c => c.Close("v", Expected, Tensor.Vector(1, 2))).Message);
        Assert.Contains("threw InvalidOperationException", ExerciseCheck.Run("demo", _ => throw new InvalidOperationException("x")).Message);
    }

    private static Tensor Stub() => throw new NotImplementedException();
}
