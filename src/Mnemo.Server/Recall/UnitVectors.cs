using System.Numerics.Tensors;

namespace Mnemo.Server.Recall;

/// <summary>
/// Vectors scaled to length 1, so that a dot product is their cosine: the local models answer so
/// already; an OpenAI-compatible endpoint need not.
/// </summary>
public static class UnitVectors
{
    /// <summary><paramref name="vector"/> scaled to length 1 (a zero vector stays zero).</summary>
    public static float[] Of(ReadOnlySpan<float> vector)
    {
        var unit = vector.ToArray();
        var length = TensorPrimitives.Norm(unit);
        if (length > 0)
        {
            TensorPrimitives.Divide(unit, length, unit);
        }
        return unit;
    }
}
