using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Mnemo.Validation;

namespace Mnemo.Sessions;

/// <summary>A signed-in user: who, in which tenant (and its status, read with the token), under which session.</summary>
public sealed record UserPrincipal(string TenantId, string UserId, Guid SessionId, string TenantStatus);

/// <summary>A new pair of tokens; the only time they are shown.</summary>
public sealed record TokenPair
{
    /// <summary>Short-lived bearer token for API calls.</summary>
    public required string AccessToken { get; init; }

    /// <summary>Single-use token that gets the next pair.</summary>
    public required string RefreshToken { get; init; }

    /// <summary>Always <c>Bearer</c>.</summary>
    public string TokenType { get; init; } = "Bearer";

    /// <summary>Seconds until the access token expires.</summary>
    public required int ExpiresIn { get; init; }
}

/// <summary>What a refresh found.</summary>
public enum RefreshOutcome
{
    /// <summary>A new pair was issued.</summary>
    Rotated,

    /// <summary>Unknown, expired, or its session ended.</summary>
    Invalid,

    /// <summary>The token had been used before: the whole session is now revoked.</summary>
    Reused,
}

/// <summary>Token lifetimes for one tenant.</summary>
public sealed record TokenLifetimes(TimeSpan Access, TimeSpan Refresh);

/// <summary>Makes and hashes session tokens.</summary>
public static class SessionTokens
{
    /// <summary>Starts every access token.</summary>
    public const string AccessMarker = "mat_";

    /// <summary>Starts every refresh token.</summary>
    public const string RefreshMarker = "mrt_";

    /// <summary>A fresh random token with <paramref name="marker"/>.</summary>
    public static string New(string marker) => marker + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the token.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token ?? string.Empty));
}

/// <summary>Body of <c>POST /api/v1/auth/login</c>.</summary>
public sealed record LoginRequest : IValidatable
{
    /// <summary>The user to sign in.</summary>
    [Required]
    [RegularExpression(Identifiers.UserIdSchemaPattern)]
    public string? UserId { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!Identifiers.IsUserId(UserId))
        {
            errors.Add("user_id", UserId is null ? "is required" : Identifiers.UserIdRule);
        }
    }
}

/// <summary>Body of <c>POST /api/v1/auth/refresh</c> and (optionally) <c>/logout</c>.</summary>
public sealed record RefreshRequest : IValidatable
{
    /// <summary>The refresh token.</summary>
    [StringLength(200)]
    public string? RefreshToken { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (RefreshToken is { Length: > 200 })
        {
            errors.Add("refresh_token", "is not a refresh token");
        }
    }
}
