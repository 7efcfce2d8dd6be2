namespace Mnemo.Users;

/// <summary>Persistence of users. Every call is scoped by tenant; another tenant's user does not exist.</summary>
public interface IUserStore
{
    /// <summary>Inserts the user; false when the id is taken.</summary>
    Task<bool> CreateAsync(string tenantId, User user, CancellationToken cancellationToken);

    /// <summary>Gets or creates the user of an external identity; the id is derived by <see cref="UserIds.Derive"/>.</summary>
    Task<ResolvedUser> ResolveAsync(string tenantId, ExternalIdentity identity, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The user, or null.</summary>
    Task<User?> GetAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> users by id, after <paramref name="afterId"/>.</summary>
    Task<IReadOnlyList<User>> ListAsync(string tenantId, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Applies a partial update; null when there is no such user.</summary>
    Task<User?> UpdateAsync(string tenantId, string userId, UserUpdate update, CancellationToken cancellationToken);

    /// <summary>The user with conversation statistics (seed 004's profile), or null.</summary>
    Task<UserProfile?> GetProfileAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>Moves <c>last_seen</c> forward for many users in one write.</summary>
    Task RecordActivityAsync(IReadOnlyCollection<UserActivity> activity, CancellationToken cancellationToken);
}

/// <summary>An identity at an external provider, and what to store on first sight.</summary>
public sealed record ExternalIdentity(string Provider, string ExternalId, string? Email, string? Name);

/// <summary>The outcome of a resolve.</summary>
public sealed record ResolvedUser(User User, bool IsNew);

/// <summary>A partial update of a user: null members keep their value.</summary>
public sealed record UserUpdate(string? Email, string? Name, string? MetadataJson);

/// <summary>A derived id is already held by a user of another identity: never merged, reported.</summary>
public sealed class UserIdCollisionException(string userId)
    : Exception($"The derived id '{userId}' already belongs to a different user; the identities were not merged.")
{
    /// <summary>The contested id.</summary>
    public string UserId { get; } = userId;
}
