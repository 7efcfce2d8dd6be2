using System.Globalization;
using Mnemo.Json;
using Mnemo.Memory;

namespace Mnemo.Client;

/// <summary>
/// <c>/api/v1/users/{user_id}/memory</c> and <c>/context</c>: seed 003's profile (with ETags),
/// memory events, compression, and the per-turn context.
/// </summary>
public sealed class MemoryClient
{
    private readonly MnemoClient _client;

    internal MemoryClient(MnemoClient client) => _client = client;

    /// <summary>The profile (created from the tenant's default on first read) and its ETag.</summary>
    public async Task<VersionedProfile> GetProfileAsync(string userId, CancellationToken cancellationToken = default)
    {
        var (profile, headers) = await _client.SendWithHeadersAsync(HttpMethod.Get, $"{Path(userId)}/profile", null,
            MnemoJsonContext.Default.MemoryProfile, cancellationToken);
        return new VersionedProfile(profile, headers.ETag?.Tag);
    }

    /// <summary>
    /// A partial update. With <paramref name="ifMatch"/> (an ETag from a read) a profile changed
    /// since then is not overwritten: the call fails with 412.
    /// </summary>
    public async Task<VersionedProfile> UpdateProfileAsync(
        string userId, UpdateProfileRequest request, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var (profile, headers) = await _client.SendWithHeadersAsync(HttpMethod.Put, $"{Path(userId)}/profile",
            MnemoClient.Json(request, MnemoJsonContext.Default.UpdateProfileRequest), MnemoJsonContext.Default.MemoryProfile, cancellationToken,
            ifMatch is null ? null : requestHeaders => requestHeaders.TryAddWithoutValidation("If-Match", ifMatch));
        return new VersionedProfile(profile, headers.ETag?.Tag);
    }

    /// <summary>Resets the profile to the tenant's default (the summary too).</summary>
    public async Task<VersionedProfile> ResetProfileAsync(string userId, CancellationToken cancellationToken = default)
    {
        var (profile, headers) = await _client.SendWithHeadersAsync(HttpMethod.Delete, $"{Path(userId)}/profile", null,
            MnemoJsonContext.Default.MemoryProfile, cancellationToken);
        return new VersionedProfile(profile, headers.ETag?.Tag);
    }

    /// <summary>Appends memory events (they are messages).</summary>
    public Task<MemoryEventsResponse> AppendEventsAsync(string userId, AppendMemoryEventsRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, $"{Path(userId)}/events", MnemoClient.Json(request, MnemoJsonContext.Default.AppendMemoryEventsRequest),
            MnemoJsonContext.Default.MemoryEventsResponse, cancellationToken);

    /// <summary>The newest <paramref name="limit"/> memory events, oldest first.</summary>
    public Task<MemoryEventsResponse> ListEventsAsync(string userId, int? limit = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery($"{Path(userId)}/events", ("limit", limit?.ToString(CultureInfo.InvariantCulture))),
            null, MnemoJsonContext.Default.MemoryEventsResponse, cancellationToken);

    /// <summary>How many memory events the user has.</summary>
    public Task<MemoryEventCountResponse> CountEventsAsync(string userId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"{Path(userId)}/events/count", null, MnemoJsonContext.Default.MemoryEventCountResponse, cancellationToken);

    /// <summary>Stores the summary and deletes all but the newest <c>keep_last_n</c> messages, atomically.</summary>
    public Task<CompressMemoryResponse> CompressAsync(string userId, CompressMemoryRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, $"{Path(userId)}/compress", MnemoClient.Json(request, MnemoJsonContext.Default.CompressMemoryRequest),
            MnemoJsonContext.Default.CompressMemoryResponse, cancellationToken);

    /// <summary>
    /// The context to prompt with: profile, summary, the newest messages within both budgets,
    /// insights and, with <paramref name="query"/>, up to <paramref name="relevantLimit"/> messages
    /// that best answer it (<c>relevant</c>).
    /// </summary>
    public Task<AssembledContext> GetContextAsync(
        string userId, int? maxMessages = null, int? maxChars = null, string? query = null, int? relevantLimit = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery($"{MnemoClient.UserPath(userId)}/context",
                ("max_messages", maxMessages?.ToString(CultureInfo.InvariantCulture)), ("max_chars", maxChars?.ToString(CultureInfo.InvariantCulture)),
                ("query", query), ("relevant_limit", relevantLimit?.ToString(CultureInfo.InvariantCulture))),
            null, MnemoJsonContext.Default.AssembledContext, cancellationToken);

    private static string Path(string userId) => $"{MnemoClient.UserPath(userId)}/memory";
}

/// <summary>A memory profile and the ETag to send as <c>If-Match</c> when updating it.</summary>
public sealed record VersionedProfile(MemoryProfile Profile, string? ETag);
