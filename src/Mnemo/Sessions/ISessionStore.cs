namespace Mnemo.Sessions;

/// <summary>Sessions and their opaque tokens, stored hashed.</summary>
public interface ISessionStore
{
    /// <summary>Starts a session for the user, whose existence the caller checks (users may live in another database).</summary>
    Task<TokenPair> LoginAsync(string tenantId, string userId, TokenLifetimes lifetimes, CancellationToken cancellationToken);

    /// <summary>The tenant a token belongs to (to look up its lifetimes), or null when unknown.</summary>
    Task<string?> TenantOfAsync(string token, CancellationToken cancellationToken);

    /// <summary>Rotates a refresh token. A reused one revokes its whole session.</summary>
    Task<(RefreshOutcome Outcome, TokenPair? Tokens)> RefreshAsync(string refreshToken, TokenLifetimes lifetimes, CancellationToken cancellationToken);

    /// <summary>The user an unexpired access token of a live session belongs to, or null.</summary>
    Task<UserPrincipal?> AuthenticateAsync(string accessToken, CancellationToken cancellationToken);

    /// <summary>Revokes the session of an access token or refresh token; false when neither names one.</summary>
    Task<bool> RevokeAsync(string? accessToken, string? refreshToken, CancellationToken cancellationToken);
}
