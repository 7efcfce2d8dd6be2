using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Mnemo.Validation;

namespace Mnemo.ApiKeys;

/// <summary>Body of <c>POST /api/v1/tenants/{tenant_id}/api-keys</c>.</summary>
public sealed record CreateApiKeyRequest : IValidatable
{
    /// <summary>What the key is for.</summary>
    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string? Name { get; init; }

    /// <summary>Scopes: any of <c>read</c>, <c>write</c>, <c>admin</c>; defaults to read and write.</summary>
    [MinLength(1)]
    [AllowedValues(ApiKeyScopes.Read, ApiKeyScopes.Write, ApiKeyScopes.Admin)]
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

/// <summary>The answer to creating a key: the only time its secret is shown.</summary>
public sealed record CreatedApiKeyResponse : ApiKey
{
    /// <summary>For deserialisation.</summary>
    public CreatedApiKeyResponse()
    {
    }

    /// <summary>The answer for a new <paramref name="key"/> and its whole secret.</summary>
    [SetsRequiredMembers]
    public CreatedApiKeyResponse(ApiKey key, string secret)
        : base(key)
    {
        Key = secret;
    }

    /// <summary>The whole key. Store it now: Mnemo keeps only its hash.</summary>
    public required string Key { get; init; }
}

/// <summary>A tenant's keys.</summary>
public sealed record ApiKeyListResponse
{
    /// <summary>The keys, oldest first.</summary>
    public required IReadOnlyList<ApiKey> ApiKeys { get; init; }
}
