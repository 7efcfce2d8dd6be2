using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Mnemo.Json;
using Mnemo.Validation;

namespace Mnemo.Tenants;

/// <summary>Body of <c>POST /api/v1/tenants</c>.</summary>
public sealed record CreateTenantRequest : IValidatable
{
    /// <summary>The slug that names the tenant for ever.</summary>
    [Required]
    [RegularExpression(Identifiers.TenantIdSchemaPattern)]
    public string? Id { get; init; }

    /// <summary>Display name; defaults to the id.</summary>
    [StringLength(TenantNames.MaxLength, MinimumLength = 1)]
    public string? Name { get; init; }

    /// <summary>Settings to start with.</summary>
    public TenantSettings? Settings { get; init; }

    /// <summary>The database its data is to live in; by default the open database with the fewest tenants.</summary>
    [RegularExpression(Identifiers.TenantIdSchemaPattern)]
    public string? DatabaseId { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Identifiers.CheckSlug(errors, "id", Id, required: true);
        if (DatabaseId is not null)
        {
            Identifiers.CheckSlug(errors, "database_id", DatabaseId, required: true);
        }
        TenantNames.Validate(Name, errors);
        Settings?.Validate(errors, "settings.");
    }
}

/// <summary>Body of <c>PUT /api/v1/tenants/{tenant_id}</c>: a partial update.</summary>
public sealed record UpdateTenantRequest : IValidatable
{
    /// <summary>New display name.</summary>
    [StringLength(TenantNames.MaxLength, MinimumLength = 1)]
    public string? Name { get; init; }

    /// <summary>New status: <c>active</c> or <c>suspended</c>.</summary>
    [AllowedValues(TenantStatus.Active, TenantStatus.Suspended)]
    public string? Status { get; init; }

    /// <summary>Settings merged key by key; a null member returns to its default.</summary>
    public JsonElement? Settings { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        TenantNames.Validate(Name, errors);
        if (Status is not null && !TenantStatus.IsKnown(Status))
        {
            errors.Add("status", "must be 'active' or 'suspended'");
        }
        if (Settings is not { } settings || settings.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (settings.ValueKind != JsonValueKind.Object)
        {
            errors.Add("settings", "must be an object");
            return;
        }
        StrictJson.CollectUnknownMembers(settings, MnemoJsonContext.Default.TenantSettings, "settings", errors);
        if (!errors.IsEmpty)
        {
            return;
        }
        try
        {
            settings.Deserialize(MnemoJsonContext.Default.TenantSettings)?.Validate(errors, "settings.");
        }
        catch (JsonException exception)
        {
            errors.Add(StrictJson.FieldPath("settings", exception.Path), "has the wrong type");
        }
    }
}

/// <summary>A page of tenants.</summary>
public sealed record TenantListResponse
{
    /// <summary>The tenants, ordered by id.</summary>
    public required IReadOnlyList<Tenant> Tenants { get; init; }

    /// <summary>Pass as <c>cursor</c> for the next page; null on the last page.</summary>
    public string? NextCursor { get; init; }
}

internal static class TenantNames
{
    public const int MaxLength = 200;

    public static void Validate(string? name, ValidationErrors errors)
    {
        if (name is null)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("name", "must not be blank");
        }
        else if (name.Length > MaxLength)
        {
            errors.Add("name", $"must be at most {MaxLength} characters");
        }
    }
}
