using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mnemo.Categories;
using Mnemo.Validation;

namespace Mnemo.Systems;

/// <summary>Body of <c>PUT /api/v1/systems/{system_id}</c>: the system's fields, all replaced.</summary>
public record ReplaceSystemRequest : RegistryEntryRequest;

/// <summary>Body of <c>POST /api/v1/systems</c> (platform key).</summary>
public sealed record CreateSystemRequest : ReplaceSystemRequest
{
    /// <summary>The id.</summary>
    [Required]
    [RegularExpression(Identifiers.RegistryIdPattern)]
    public string? Id { get; init; }

    /// <inheritdoc />
    public override void Validate(ValidationErrors errors)
    {
        base.Validate(errors);
        RegistryRules.CheckId(Id, "id", errors, required: true);
    }
}

/// <summary>Body of <c>POST /api/v1/systems/{system_id}/versions</c> (platform key).</summary>
public sealed partial record CreateSystemVersionRequest : IValidatable
{
    /// <summary>The pattern of a semantic version (semver.org 2.0.0).</summary>
    public const string SemanticVersionPattern =
        @"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$";

    /// <summary>Longest version string.</summary>
    public const int MaxVersionLength = 64;

    /// <summary>A semantic version, unique per system.</summary>
    [Required]
    [StringLength(MaxVersionLength, MinimumLength = 5)]
    [RegularExpression(SemanticVersionPattern)]
    public string? Version { get; init; }

    /// <summary>When it was released; now when absent.</summary>
    public DateTimeOffset? ReleasedAt { get; init; }

    /// <summary>Release notes.</summary>
    [StringLength(RegistryRules.MaxDescription)]
    public string? Notes { get; init; }

    /// <summary>Whether <paramref name="value"/> is a semantic version Mnemo stores.</summary>
    public static bool IsSemanticVersion(string? value) => value is { Length: <= MaxVersionLength } && SemanticVersion().IsMatch(value);

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Version is null)
        {
            errors.Add("version", "is required");
        }
        else if (!IsSemanticVersion(Version))
        {
            errors.Add("version", $"must be a semantic version such as 1.4.0 or 2.0.0-rc.1 (at most {MaxVersionLength} characters)");
        }
        if (Notes is { Length: > RegistryRules.MaxDescription })
        {
            errors.Add("notes", $"must be at most {RegistryRules.MaxDescription} characters");
        }
    }

    // \z: a final newline is not part of a version.
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SemanticVersion();
}

/// <summary>Body of <c>PUT /api/v1/tenants/{tenant_id}/systems/{system_id}</c> (platform key).</summary>
public sealed record AssignSystemRequest : IValidatable
{
    /// <summary>The version the tenant runs (one of the system's); absent when not pinned.</summary>
    [StringLength(CreateSystemVersionRequest.MaxVersionLength, MinimumLength = 5)]
    [RegularExpression(CreateSystemVersionRequest.SemanticVersionPattern)]
    public string? Version { get; init; }

    /// <summary>Whether the tenant uses it; true when absent.</summary>
    public bool? Enabled { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Version is not null && !CreateSystemVersionRequest.IsSemanticVersion(Version))
        {
            errors.Add("version", "must be a semantic version such as 1.4.0");
        }
    }
}

/// <summary>Body of <c>PUT …/config</c>: the whole new configuration, a new revision (send <c>If-Match</c> with the current one's ETag).</summary>
public sealed record SystemConfigRequest : IValidatable
{
    /// <summary>Largest configuration, in UTF-8 bytes of its JSON.</summary>
    public const int MaxConfigBytes = 64 * 1024;

    /// <summary>The configuration, a JSON object.</summary>
    [Required]
    public JsonElement? Config { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Config is not { ValueKind: JsonValueKind.Object } config)
        {
            errors.Add("config", Config is null ? "is required" : "must be a JSON object");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(config.GetRawText()) > MaxConfigBytes)
        {
            errors.Add("config", $"must be at most {MaxConfigBytes} bytes of JSON");
        }
    }
}
