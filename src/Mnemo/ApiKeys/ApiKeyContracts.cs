using Mnemo.Validation;

namespace Mnemo.ApiKeys;

/// <summary>Body of <c>POST /api/v1/tenants/{tenant_id}/api-keys</c>.</summary>
public sealed record CreateApiKeyRequest : IValidatable
{
    /// <summary>What the key is for.</summary>
    public string? Name { get; init; }

    /// <summary>Scopes: any of <c>read</c>, <c>write</c>, <c>admin</c>; defaults to read and write.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("name", "is required");
        }
        else if (Name.Length > 200)
        {
            errors.Add("name", "must be at most 200 characters");
        }
        if (Scopes is null)
        {
            return;
        }
        if (Scopes.Count == 0)
        {
            errors.Add("scopes", "must name at least one scope");
        }
        for (var i = 0; i < Scopes.Count; i++)
        {
            if (!ApiKeyScopes.IsKnown(Scopes[i]))
            {
                errors.Add($"scopes[{i}]", "must be 'read', 'write' or 'admin'");
            }
        }
    }

    /// <summary>The requested scopes, de-duplicated in canonical order.</summary>
    public IReadOnlyList<string> EffectiveScopes() =>
        Scopes is null ? [ApiKeyScopes.Read, ApiKeyScopes.Write] : [.. ApiKeyScopes.All.Where(Scopes.Contains)];
}

/// <summary>An API key as listed: no secret.</summary>
public record ApiKeyResponse
{
    /// <summary>The key's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The tenant it acts for.</summary>
    public required string TenantId { get; init; }

    /// <summary>Its name.</summary>
    public required string Name { get; init; }

    /// <summary>The public first part of the key.</summary>
    public required string Prefix { get; init; }

    /// <summary>Its scopes.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Roughly when it was last used.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>The response for <paramref name="key"/>.</summary>
    public static ApiKeyResponse From(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new ApiKeyResponse
        {
            Id = key.Id,
            TenantId = key.TenantId,
            Name = key.Name,
            Prefix = key.Prefix,
            Scopes = key.Scopes,
            CreatedAt = key.CreatedAt,
            LastUsedAt = key.LastUsedAt,
        };
    }
}

/// <summary>The answer to creating a key: the only time its secret is shown.</summary>
public sealed record CreatedApiKeyResponse : ApiKeyResponse
{
    /// <summary>The whole key. Store it now: Mnemo keeps only its hash.</summary>
    public required string Key { get; init; }
}

/// <summary>A tenant's keys.</summary>
public sealed record ApiKeyListResponse
{
    /// <summary>The keys, oldest first.</summary>
    public required IReadOnlyList<ApiKeyResponse> ApiKeys { get; init; }
}
