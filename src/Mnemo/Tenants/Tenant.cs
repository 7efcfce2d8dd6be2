namespace Mnemo.Tenants;

/// <summary>A tenant: the owner of every other row in Mnemo.</summary>
public sealed record Tenant
{
    /// <summary>The tenant's slug.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary><see cref="TenantStatus.Active"/> or <see cref="TenantStatus.Suspended"/>.</summary>
    public required string Status { get; init; }

    /// <summary>
    /// As stored, the settings this tenant set explicitly (unset ones take the server's defaults);
    /// as answered by the API, <see cref="WithDefaults"/> has filled in the rest.
    /// </summary>
    public required TenantSettings Settings { get; init; }

    /// <summary>When the tenant was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the tenant was last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>This tenant with the settings in force: its own, and the defaults for the rest.</summary>
    public Tenant WithDefaults(TenantSettingsDefaults defaults) => this with { Settings = Settings.WithDefaults(defaults) };
}

/// <summary>The states a tenant can be in.</summary>
public static class TenantStatus
{
    /// <summary>The tenant's keys work.</summary>
    public const string Active = "active";

    /// <summary>The tenant's keys are refused with 403; its data is kept.</summary>
    public const string Suspended = "suspended";

    /// <summary>True for a known status.</summary>
    public static bool IsKnown(string? status) => status is Active or Suspended;
}
