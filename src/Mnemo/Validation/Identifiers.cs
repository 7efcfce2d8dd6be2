using System.Text.RegularExpressions;

namespace Mnemo.Validation;

/// <summary>The shapes of identifiers that callers choose.</summary>
public static partial class Identifiers
{
    /// <summary>Tenant ids are slugs: lowercase letters, digits, '_' and '-', 1 to 63 characters.</summary>
    public static bool IsTenantId(string? value) => value is not null && TenantIdPattern().IsMatch(value);

    /// <summary>Describes the tenant id shape for error messages.</summary>
    public const string TenantIdRule = "must match ^[a-z0-9][a-z0-9_-]{0,62}$";

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();
}
