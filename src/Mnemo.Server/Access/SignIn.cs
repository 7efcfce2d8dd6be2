using Mnemo.Sessions;
using Mnemo.Users;

namespace Mnemo.Server.Access;

/// <summary>
/// Starts a user's session. Sessions live in the catalog (a token is looked up before its tenant
/// is known) and users in their tenant's database, which may be another: the user is checked
/// before the session is made and again after. An erasure deletes the sessions before and after
/// it deletes the user, so a sign-in racing it either finds no user or loses its session.
/// </summary>
public sealed class SignIn(IUserStore users, ISessionStore sessions)
{
    /// <summary>The new session's tokens; null when the user does not exist.</summary>
    public async Task<TokenPair?> StartAsync(string tenantId, string userId, TokenLifetimes lifetimes, CancellationToken cancellationToken)
    {
        if (await users.GetAsync(tenantId, userId, cancellationToken) is null)
        {
            return null;
        }
        var tokens = await sessions.LoginAsync(tenantId, userId, lifetimes, cancellationToken);
        if (tokens is not null && await users.GetAsync(tenantId, userId, cancellationToken) is null)
        {
            await sessions.RevokeAsync(tokens.AccessToken, tokens.RefreshToken, CancellationToken.None);
            return null;
        }
        return tokens;
    }
}
