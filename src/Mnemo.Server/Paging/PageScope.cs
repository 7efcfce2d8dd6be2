namespace Mnemo.Server.Paging;

/// <summary>
/// Which list a cursor belongs to: the list's name, the tenant and, for a user's own list, the
/// user. A cursor is sealed to its scope, so one taken from another list, user or tenant is refused.
/// </summary>
/// <param name="List">The list, for example <c>users</c> or <c>events</c>.</param>
/// <param name="TenantId">The tenant, or empty for the platform's lists.</param>
/// <param name="UserId">The user whose list it is, if any.</param>
public readonly record struct PageScope(string List, string TenantId, string? UserId = null);
