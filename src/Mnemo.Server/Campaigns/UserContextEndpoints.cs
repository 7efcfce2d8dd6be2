using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Campaigns;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Problems;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Server.Tenants;

namespace Mnemo.Server.Campaigns;

/// <summary>Seed 002's user-context endpoints, at exactly its paths (system users, campaign users, migration).</summary>
public static class UserContextEndpoints
{
    private const int RecentMessages = 20;

    /// <summary>Maps <c>/api/v1/user_context</c>.</summary>
    public static RouteGroupBuilder MapUserContext(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/user_context", "User context");
        writes.MapPost("/system", UpsertSystemAsync).Accepts<SystemContextRequest>("application/json");
        writes.MapPost("/campaign", UpsertCampaignAsync).Accepts<CampaignContextRequest>("application/json");
        writes.MapPost("/migrate", MigrateAsync).Accepts<MigrateUserRequest>("application/json");
        reads.MapGet("/campaign/{campaign_id}", ListParticipantsAsync);
        reads.MapGet("/system/{tenant_id}", ListSystemAsync);
        writes.MapPut("/campaign/{campaign_id}/user/{user_id}/ttl", SetTtlAsync).Accepts<SetParticipantTtlRequest>("application/json");
        reads.MapGet("/{user_id}", GetAsync);
        writes.MapPut("/{user_id}", UpdateAsync).Accepts<UpdateUserContextRequest>("application/json");
        writes.MapDelete("/{user_id}", DeleteAsync);
        return group;
    }

    private static async Task<Results<Ok<UserContextResponse>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string user_id, string? campaign_id, string? tenant_id, IUserContextStore contexts, IMessageStore messages,
        CancellationToken cancellationToken)
    {
        RequireOwnTenant(scope, tenant_id);
        // Seed 000's lookup order: the permanent system user first, then the campaign participant.
        if (await contexts.GetSystemAsync(scope.TenantId, user_id, cancellationToken) is { } system)
        {
            var history = await messages.ListAsync(scope.TenantId, user_id, new MessageQuery { Limit = RecentMessages }, cancellationToken);
            return TypedResults.Ok(new UserContextResponse
            {
                UserId = user_id, Source = "system", Context = system.Context, Metadata = system.Metadata, Messages = history?.Messages ?? [],
            });
        }
        if (await contexts.GetParticipantAsync(scope.TenantId, campaign_id, user_id, cancellationToken) is { MigratedTo: null } participant)
        {
            var history = await messages.ListAsync(scope.TenantId, user_id,
                new MessageQuery { Limit = RecentMessages, CampaignId = participant.CampaignId }, cancellationToken);
            return TypedResults.Ok(new UserContextResponse
            {
                UserId = user_id, Source = "campaign", Context = participant.Context, CampaignId = participant.CampaignId,
                ExpiresAt = participant.ExpiresAt, Messages = history?.Messages ?? [],
            });
        }
        return ApiProblems.NotFound($"User '{user_id}' has no system or campaign context.");
    }

    private static async Task<Ok<SystemContext>> UpsertSystemAsync(
        TenantScope scope, JsonBody<SystemContextRequest> body, IUserContextStore contexts, CancellationToken cancellationToken)
    {
        var request = body.Value;
        RequireOwnTenant(scope, request.TenantId);
        return TypedResults.Ok(await contexts.UpsertSystemAsync(scope.TenantId, request.UserId!, JsonObjects.ToStored(request.Context), request.Replace ?? false,
            request.Metadata is { } metadata ? JsonObjects.ToStored(metadata) : null, cancellationToken));
    }

    private static async Task<Results<Ok<Participant>, ProblemHttpResult>> UpsertCampaignAsync(
        TenantScope scope, JsonBody<CampaignContextRequest> body, IUserContextStore contexts, TenantSettingsCache cache, CancellationToken cancellationToken)
    {
        var request = body.Value;
        RequireOwnTenant(scope, request.TenantId);
        var tenantTtl = (await cache.GetAsync(scope.TenantId, cancellationToken)).CampaignTtlDays!.Value;
        var participant = await contexts.UpsertParticipantAsync(scope.TenantId, request.CampaignId!, request.UserId!,
            request.Context is { } context ? JsonObjects.ToStored(context) : null, request.Replace ?? false, request.TtlDays, tenantTtl, cancellationToken);
        return participant is null ? ApiProblems.CampaignNotFound(request.CampaignId!) : TypedResults.Ok(participant);
    }

    private static async Task<Results<Ok<SystemContext>, ProblemHttpResult>> UpdateAsync(
        TenantScope scope, string user_id, JsonBody<UpdateUserContextRequest> body, IUserContextStore contexts, CancellationToken cancellationToken)
    {
        RequireOwnTenant(scope, body.Value.TenantId);
        return await contexts.UpdateSystemMetadataAsync(scope.TenantId, user_id, JsonObjects.ToStored(body.Value.Metadata), cancellationToken) is { } updated
            ? TypedResults.Ok(updated)
            : ApiProblems.NotFound($"System user '{user_id}' does not exist.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        TenantScope scope, string user_id, string? campaign_id, string? tenant_id, IUserContextStore contexts, CancellationToken cancellationToken)
    {
        RequireOwnTenant(scope, tenant_id);
        if (campaign_id is not null)
        {
            return await contexts.DeleteParticipantAsync(scope.TenantId, campaign_id, user_id, cancellationToken) is null
                ? ApiProblems.NotFound($"Campaign '{campaign_id}' has no participant '{user_id}'.")
                : TypedResults.NoContent();
        }
        return await contexts.ClearSystemAsync(scope.TenantId, user_id, cancellationToken)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound($"System user '{user_id}' does not exist.");
    }

    private static async Task<Results<Ok<MigrationResult>, ProblemHttpResult>> MigrateAsync(
        TenantScope scope, JsonBody<MigrateUserRequest> body, IUserContextStore contexts, Observability.MnemoMetrics metrics, CancellationToken cancellationToken)
    {
        var request = body.Value;
        RequireOwnTenant(scope, request.TenantId);
        if (await contexts.MigrateAsync(scope.TenantId, request.CampaignId!, request.UserId!, cancellationToken) is { } result)
        {
            metrics.UserMigrated();
            return TypedResults.Ok(result);
        }
        return ApiProblems.NotFound($"Campaign '{request.CampaignId}' has no participant '{request.UserId}'.");
    }

    private static async Task<Results<Ok<ParticipantListResponse>, ProblemHttpResult>> ListParticipantsAsync(
        TenantScope scope, string campaign_id, [AsParameters] PageRequest request, IUserContextStore contexts, Pages pages, CancellationToken cancellationToken)
    {
        var window = pages.Open(request, new PageScope($"campaigns/{campaign_id}/participants", scope.TenantId));
        var fetched = await contexts.ListParticipantsAsync(scope.TenantId, campaign_id, window.After, window.FetchSize, cancellationToken);
        if (fetched is null)
        {
            return ApiProblems.CampaignNotFound(campaign_id);
        }
        var page = pages.Cut(window, fetched, participant => participant.UserId);
        return TypedResults.Ok(new ParticipantListResponse { Participants = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Ok<SystemContextListResponse>> ListSystemAsync(
        TenantScope scope, [AsParameters] PageRequest request, IUserContextStore contexts, Pages pages, CancellationToken cancellationToken)
    {
        var window = pages.Open(request, new PageScope("system-contexts", scope.TenantId));
        var page = pages.Cut(window, await contexts.ListSystemAsync(scope.TenantId, window.After, window.FetchSize, cancellationToken), context => context.UserId);
        return TypedResults.Ok(new SystemContextListResponse { Users = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Results<Ok<Participant>, ProblemHttpResult>> SetTtlAsync(
        TenantScope scope, string campaign_id, string user_id, JsonBody<SetParticipantTtlRequest> body, IUserContextStore contexts,
        CancellationToken cancellationToken) =>
        await contexts.SetExpiryAsync(scope.TenantId, campaign_id, user_id, body.Value.TtlDays, body.Value.ExpiresAt, cancellationToken) is { } participant
            ? TypedResults.Ok(participant)
            : ApiProblems.NotFound($"Campaign '{campaign_id}' has no participant '{user_id}'.");

    /// <summary>A <c>tenant_id</c> in a body or query (seed 002's clients send one) must be the caller's own.</summary>
    private static void RequireOwnTenant(TenantScope scope, string? tenantId)
    {
        if (tenantId is not null && tenantId != scope.TenantId)
        {
            throw new ApiProblemException(StatusCodes.Status403Forbidden, ProblemCodes.TenantForbidden, "Forbidden", "tenant_id names another tenant.");
        }
    }
}
