using Mnemo.Json;
using Mnemo.Sessions;

namespace Mnemo.Client;

/// <summary><c>/api/v1/auth</c>: end-user sign-in with rotating tokens. A signed-in client is <c>WithApiKey(access_token)</c>.</summary>
public sealed class AuthClient
{
    private readonly MnemoClient _client;

    internal AuthClient(MnemoClient client) => _client = client;

    /// <summary>Signs a user in (tenant key with write).</summary>
    public Task<TokenPair> LoginAsync(string userId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/auth/login", MnemoClient.Json(new LoginRequest { UserId = userId }, MnemoJsonContext.Default.LoginRequest),
            MnemoJsonContext.Default.TokenPair, cancellationToken);

    /// <summary>Trades a refresh token for a new pair; a reused one revokes the session.</summary>
    public Task<TokenPair> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", MnemoClient.Json(new RefreshRequest { RefreshToken = refreshToken }, MnemoJsonContext.Default.RefreshRequest),
            MnemoJsonContext.Default.TokenPair, cancellationToken);

    /// <summary>Ends the session of this client's access token and/or <paramref name="refreshToken"/>.</summary>
    public Task LogoutAsync(string? refreshToken = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/auth/logout",
            refreshToken is null ? null : MnemoClient.Json(new RefreshRequest { RefreshToken = refreshToken }, MnemoJsonContext.Default.RefreshRequest),
            cancellationToken, _client.ApiKey is { } token ? headers => headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token) : null);
}
