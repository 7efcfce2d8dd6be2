using System.Text.Json;

namespace Mnemo.Users;

/// <summary>A tenant's end user (a "system user" in seed 000's words).</summary>
public record User
{
    /// <summary>The user's id within the tenant.</summary>
    public required string Id { get; init; }

    /// <summary>Email, when known.</summary>
    public string? Email { get; init; }

    /// <summary>Display name, when known.</summary>
    public string? Name { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public required JsonElement Metadata { get; init; }

    /// <summary>The identity provider the id was derived from (<c>shopify</c>, ...), if any.</summary>
    public string? ExternalProvider { get; init; }

    /// <summary>The user's id at that provider.</summary>
    public string? ExternalId { get; init; }

    /// <summary>When the user was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Roughly the last activity (kept to within a minute without a write per message).</summary>
    public required DateTimeOffset LastSeen { get; init; }
}

/// <summary>That a user was active at a time, for the batched last-seen update.</summary>
public readonly record struct UserActivity(string TenantId, string UserId, DateTimeOffset SeenAt);
