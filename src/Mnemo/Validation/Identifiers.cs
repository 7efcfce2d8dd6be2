using System.Text.RegularExpressions;

namespace Mnemo.Validation;

/// <summary>The shapes of identifiers that callers choose.</summary>
public static partial class Identifiers
{
    /// <summary>Describes the tenant id shape for error messages.</summary>
    public const string TenantIdRule = "must match ^[a-z0-9][a-z0-9_-]{0,62}$";

    /// <summary>Describes the user id shape for error messages.</summary>
    public const string UserIdRule = "must match ^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$ and not be 'resolve'";

    /// <summary>
    /// Not a user id: <c>/api/v1/users/resolve</c> is a route of its own, so no user may be named
    /// so (in any case, as routes ignore case) and no request to it can mean a user.
    /// </summary>
    public const string ReservedUserId = "resolve";

    /// <summary>
    /// A user id as a pattern for documents (JSON Schema): <see cref="IsUserId"/>'s shape, and not
    /// <see cref="ReservedUserId"/> in any case.
    /// </summary>
    public const string UserIdSchemaPattern = @"^(?![Rr][Ee][Ss][Oo][Ll][Vv][Ee]$)[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$";

    /// <summary>A tenant id as a pattern for documents: <see cref="IsTenantId"/>'s shape.</summary>
    public const string TenantIdSchemaPattern = "^[a-z0-9][a-z0-9_-]{0,62}$";

    /// <summary>The shape of the ids a tenant chooses for its registry entries (categories, factors) and the platform for systems.</summary>
    public const string RegistryIdPattern = @"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$";

    /// <summary>Describes <see cref="RegistryIdPattern"/> for error messages.</summary>
    public const string RegistryIdRule = "must match " + RegistryIdPattern;

    /// <summary>A registry id: a letter or digit, then up to 127 of letters, digits and <c>_ . : @ -</c>.</summary>
    public static bool IsRegistryId(string? value) => value is not null && UserIdPattern().IsMatch(value);

    /// <summary>Tenant ids are slugs: lowercase letters, digits, '_' and '-', 1 to 63 characters.</summary>
    public static bool IsTenantId(string? value) => value is not null && TenantIdPattern().IsMatch(value);

    /// <summary>
    /// Adds to <paramref name="errors"/> when <paramref name="value"/>, named <paramref name="field"/>,
    /// is not a slug (tenant and database ids), or is missing where <paramref name="required"/>.
    /// </summary>
    public static void CheckSlug(ValidationErrors errors, string field, string? value, bool required)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                errors.Add(field, "is required");
            }
        }
        else if (!IsTenantId(value))
        {
            errors.Add(field, TenantIdRule);
        }
    }

    /// <summary>User ids: a letter or digit, then up to 127 of letters, digits and <c>_ . : @ -</c>.</summary>
    public static bool IsUserId(string? value) =>
        value is not null && UserIdPattern().IsMatch(value) && !string.Equals(value, ReservedUserId, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex UserIdPattern();
}
