using Mnemo.Validation;

namespace Mnemo.Server.Validation;

/// <summary>The <c>Idempotency-Key</c> header of a create: a retry with the same key returns the first result.</summary>
public static class IdempotencyKeys
{
    /// <summary>The header's name.</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>The longest key.</summary>
    public const int MaxLength = 200;

    /// <summary>The key, when sent; 400 for an empty or overlong one (its characters are screened with every header Mnemo stores).</summary>
    /// <exception cref="RequestValidationException">The key is empty or too long.</exception>
    public static string? Checked(string? key) =>
        key is null || key.Length is > 0 and <= MaxLength ? key : throw new RequestValidationException(Header, $"must be 1 to {MaxLength} characters");
}
