using System.Globalization;
using Mnemo.Campaigns;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Retention;

namespace Mnemo.Client;

/// <summary><c>/api/v1/campaigns</c>, the participant message paths, and seed 002's <c>/api/v1/user_context</c>.</summary>
public sealed class CampaignsClient
{
    private readonly MnemoClient _client;

    internal CampaignsClient(MnemoClient client) => _client = client;

    /// <summary>Creates a campaign.</summary>
    public Task<Campaign> CreateAsync(CreateCampaignRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/campaigns", MnemoClient.Json(request, MnemoJsonContext.Default.CreateCampaignRequest),
            MnemoJsonContext.Default.Campaign, cancellationToken);

    /// <summary>A page of campaigns.</summary>
    public Task<CampaignListResponse> ListAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        ListAsync(categoryId: null, limit, cursor, cancellationToken);

    /// <summary>A page of the campaigns assigned to <paramref name="categoryId"/> (all when null).</summary>
    public Task<CampaignListResponse> ListAsync(string? categoryId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery("api/v1/campaigns",
                ("category_id", categoryId), ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.CampaignListResponse, cancellationToken);

    /// <summary>One campaign.</summary>
    public Task<Campaign> GetAsync(string campaignId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, Path(campaignId), null, MnemoJsonContext.Default.Campaign, cancellationToken);

    /// <summary>Updates a campaign (<c>ttl_days: 0</c> returns to the tenant's TTL).</summary>
    public Task<Campaign> UpdateAsync(string campaignId, UpdateCampaignRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, Path(campaignId), MnemoClient.Json(request, MnemoJsonContext.Default.UpdateCampaignRequest),
            MnemoJsonContext.Default.Campaign, cancellationToken);

    /// <summary>Deletes a campaign with its participants and their messages.</summary>
    public Task DeleteAsync(string campaignId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, Path(campaignId), null, cancellationToken);

    /// <summary>Appends a participant's messages (never creates a system user).</summary>
    public Task<MessageListResponse> AppendMessagesAsync(string campaignId, string userId, AppendMessagesRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, $"{Path(campaignId)}/users/{Uri.EscapeDataString(userId)}/messages",
            MnemoClient.Json(request, MnemoJsonContext.Default.AppendMessagesRequest), MnemoJsonContext.Default.MessageListResponse, cancellationToken);

    /// <summary>A participant's messages, oldest first.</summary>
    public Task<MessageListResponse> ListMessagesAsync(string campaignId, string userId, int? limit = null, string? before = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery($"{Path(campaignId)}/users/{Uri.EscapeDataString(userId)}/messages",
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("before", before)),
            null, MnemoJsonContext.Default.MessageListResponse, cancellationToken);

    /// <summary><c>GET /api/v1/user_context/{user_id}</c>: the system context, else the campaign one.</summary>
    public Task<UserContextResponse> GetUserContextAsync(string userId, string? campaignId = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery($"api/v1/user_context/{Uri.EscapeDataString(userId)}", ("campaign_id", campaignId)),
            null, MnemoJsonContext.Default.UserContextResponse, cancellationToken);

    /// <summary><c>POST /api/v1/user_context/system</c>.</summary>
    public Task<SystemContext> UpsertSystemContextAsync(SystemContextRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/user_context/system", MnemoClient.Json(request, MnemoJsonContext.Default.SystemContextRequest),
            MnemoJsonContext.Default.SystemContext, cancellationToken);

    /// <summary><c>POST /api/v1/user_context/campaign</c>.</summary>
    public Task<Participant> UpsertCampaignContextAsync(CampaignContextRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/user_context/campaign", MnemoClient.Json(request, MnemoJsonContext.Default.CampaignContextRequest),
            MnemoJsonContext.Default.Participant, cancellationToken);

    /// <summary><c>PUT /api/v1/user_context/{user_id}</c>: merges metadata.</summary>
    public Task<SystemContext> UpdateUserContextAsync(string userId, UpdateUserContextRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, $"api/v1/user_context/{Uri.EscapeDataString(userId)}", MnemoClient.Json(request, MnemoJsonContext.Default.UpdateUserContextRequest),
            MnemoJsonContext.Default.SystemContext, cancellationToken);

    /// <summary><c>DELETE /api/v1/user_context/{user_id}</c>: the system context, or a participant with <paramref name="campaignId"/>.</summary>
    public Task DeleteUserContextAsync(string userId, string? campaignId = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, MnemoClient.WithQuery($"api/v1/user_context/{Uri.EscapeDataString(userId)}", ("campaign_id", campaignId)), null, cancellationToken);

    /// <summary><c>POST /api/v1/user_context/migrate</c>: participant to system user; a repeat answers the first result.</summary>
    public Task<MigrationResult> MigrateAsync(MigrateUserRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/user_context/migrate", MnemoClient.Json(request, MnemoJsonContext.Default.MigrateUserRequest),
            MnemoJsonContext.Default.MigrationResult, cancellationToken);

    /// <summary><c>GET /api/v1/user_context/campaign/{campaign_id}</c>.</summary>
    public Task<ParticipantListResponse> ListParticipantsAsync(string campaignId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery($"api/v1/user_context/campaign/{Uri.EscapeDataString(campaignId)}",
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.ParticipantListResponse, cancellationToken);

    /// <summary><c>GET /api/v1/user_context/system/{tenant_id}</c>.</summary>
    public Task<SystemContextListResponse> ListSystemContextsAsync(string tenantId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery($"api/v1/user_context/system/{Uri.EscapeDataString(tenantId)}",
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.SystemContextListResponse, cancellationToken);

    /// <summary><c>PUT /api/v1/user_context/campaign/{campaign_id}/user/{user_id}/ttl</c>.</summary>
    public Task<Participant> SetTtlAsync(string campaignId, string userId, SetParticipantTtlRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, $"api/v1/user_context/campaign/{Uri.EscapeDataString(campaignId)}/user/{Uri.EscapeDataString(userId)}/ttl",
            MnemoClient.Json(request, MnemoJsonContext.Default.SetParticipantTtlRequest), MnemoJsonContext.Default.Participant, cancellationToken);

    /// <summary><c>POST /api/v1/admin/retention/run</c> (platform key): one retention pass now.</summary>
    public Task<RetentionCounts> RunRetentionAsync(CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/admin/retention/run", null, MnemoJsonContext.Default.RetentionCounts, cancellationToken);

    private static string Path(string campaignId) => $"api/v1/campaigns/{Uri.EscapeDataString(campaignId)}";
}
