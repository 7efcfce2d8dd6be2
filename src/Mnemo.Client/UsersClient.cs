using System.Globalization;
using Mnemo.Erasure;
using Mnemo.Json;
using Mnemo.Users;

namespace Mnemo.Client;

/// <summary><c>/api/v1/users</c>: users, external identities, profiles, export and erasure.</summary>
public sealed class UsersClient
{
    private readonly MnemoClient _client;

    internal UsersClient(MnemoClient client) => _client = client;

    /// <summary>Creates a user with a caller-chosen id.</summary>
    public Task<User> CreateAsync(CreateUserRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/users", MnemoClient.Json(request, MnemoJsonContext.Default.CreateUserRequest),
            MnemoJsonContext.Default.User, cancellationToken);

    /// <summary>Gets or creates the user of an external identity (seed 004).</summary>
    public Task<ResolveUserResponse> ResolveAsync(ResolveUserRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/users/resolve", MnemoClient.Json(request, MnemoJsonContext.Default.ResolveUserRequest),
            MnemoJsonContext.Default.ResolveUserResponse, cancellationToken);

    /// <summary>A page of users by id.</summary>
    public Task<UserListResponse> ListAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get,
            MnemoClient.WithQuery("api/v1/users", ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.UserListResponse, cancellationToken);

    /// <summary>One user.</summary>
    public Task<User> GetAsync(string userId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.UserPath(userId), null, MnemoJsonContext.Default.User, cancellationToken);

    /// <summary>Updates email, name and/or metadata.</summary>
    public Task<User> UpdateAsync(string userId, UpdateUserRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, MnemoClient.UserPath(userId), MnemoClient.Json(request, MnemoJsonContext.Default.UpdateUserRequest),
            MnemoJsonContext.Default.User, cancellationToken);

    /// <summary>The user with conversation statistics (seed 004's profile).</summary>
    public Task<UserProfile> GetProfileAsync(string userId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"{MnemoClient.UserPath(userId)}/profile", null, MnemoJsonContext.Default.UserProfile, cancellationToken);

    /// <summary>Erases the user and everything that names them; the rows deleted per kind.</summary>
    public Task<ErasureResponse> EraseAsync(string userId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, MnemoClient.UserPath(userId), null, MnemoJsonContext.Default.ErasureResponse, cancellationToken);

    /// <summary>
    /// Streams the user's export: <c>json</c> (everything) or <c>csv</c> (messages) into
    /// <paramref name="destination"/> without holding it in memory.
    /// </summary>
    public async Task ExportAsync(string userId, Stream destination, string format = "json", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var response = await _client.SendForStreamAsync(HttpMethod.Get,
            MnemoClient.WithQuery($"{MnemoClient.UserPath(userId)}/export", ("format", format)), cancellationToken);
        await response.Content.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>The tenant's erasure ledger, newest first (admin scope).</summary>
    public Task<ErasureListResponse> ListErasuresAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get,
            MnemoClient.WithQuery("api/v1/erasures", ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.ErasureListResponse, cancellationToken);

    /// <summary>After restoring a backup: erases again every user the ledger says was erased (admin scope).</summary>
    public Task<ReapplyErasuresResponse> ReapplyErasuresAsync(CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/erasures/reapply", null, MnemoJsonContext.Default.ReapplyErasuresResponse, cancellationToken);
}
