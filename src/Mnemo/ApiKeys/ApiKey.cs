namespace Mnemo.ApiKeys;

/// <summary>A tenant's API key, without its secret.</summary>
public record ApiKey
{
    /// <summary>The key's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The tenant the key acts for.</summary>
    public required string TenantId { get; init; }

    /// <summary>What the key is for, chosen by its creator.</summary>
    public required string Name { get; init; }

    /// <summary>The public first part of the key, enough to recognise it in a list.</summary>
    public required string Prefix { get; init; }

    /// <summary>What the key may do: <see cref="ApiKeyScopes"/>.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Roughly the last time the key was used (kept to within a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }
}

/// <summary>What an API key may do.</summary>
public static class ApiKeyScopes
{
    /// <summary>Read the tenant's data.</summary>
    public const string Read = "read";

    /// <summary>Write the tenant's data.</summary>
    public const string Write = "write";

    /// <summary>Manage the tenant's keys and settings.</summary>
    public const string Admin = "admin";

    /// <summary>Every scope, in canonical order.</summary>
    public static IReadOnlyList<string> All { get; } = [Read, Write, Admin];

    /// <summary>True for a known scope.</summary>
    public static bool IsKnown(string? scope) => scope is Read or Write or Admin;
}

/// <summary>A stored key as authentication needs it: the key, its secret's hash and its tenant's status.</summary>
public sealed record ApiKeyCredential(ApiKey Key, byte[] SecretHash, string TenantStatus);

/// <summary>That a key was used at a time, for the batched last-used update.</summary>
public readonly record struct ApiKeyUsage(string TenantId, Guid KeyId, DateTimeOffset UsedAt);
