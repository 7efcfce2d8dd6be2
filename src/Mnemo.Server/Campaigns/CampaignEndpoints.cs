using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Campaigns;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Messages;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Time;

namespace Mnemo.Server.Campaigns;

/// <summary>Campaigns, and their participants' messages (seed 000).</summary>
public static class CampaignEndpoints
{
    /// <summary>Maps <c>/api/v1/campaigns</c>.</summary>
    public static RouteGroupBuilder MapCampaigns(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/campaigns", "Campaigns");
        writes.MapPost("/", CreateAsync).Accepts<CreateCampaignRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        reads.MapGet("/", ListAsync);
        reads.MapGet("/{campaign_id}", GetAsync);
        writes.MapPut("/{campaign_id}", UpdateAsync).Accepts<UpdateCampaignRequest>("application/json");
        writes.MapDelete("/{campaign_id}", DeleteAsync);
        writes.MapPost("/{campaign_id}/users/{user_id}/messages", AppendAsync).Accepts<AppendMessagesRequest>("application/json");
        reads.MapGet("/{campaign_id}/users/{user_id}/messages", ListMessagesAsync);
        return group;
    }

    private static async Task<Results<Created<Campaign>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, JsonBody<CreateCampaignRequest> body, ICampaignStore campaigns, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var now = timeProvider.GetUtcNowMicroseconds();
        var campaign = new Campaign
        {
            Id = request.Id!,
            Name = request.Name ?? request.Id!,
            TtlDays = request.TtlDays,
            Status = "active",
            Metadata = JsonObjects.Parse(JsonObjects.ToStored(request.Metadata)),
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await campaigns.CreateAsync(scope.TenantId, campaign, cancellationToken)
            ? TypedResults.Created($"/api/v1/campaigns/{Uri.EscapeDataString(campaign.Id)}", campaign)
            : ApiProblems.Conflict($"Campaign '{campaign.Id}' exists already.");
    }

    private static async Task<Ok<CampaignListResponse>> ListAsync(
        TenantScope scope, string? category_id, [AsParameters] PageRequest request, ICampaignStore campaigns, Pages pages, CancellationToken cancellationToken)
    {
        // category_id: the category repository's view of campaigns (seed 002), through entity assignments.
        var window = pages.Open(request, new PageScope(category_id is null ? "campaigns" : $"campaigns?category_id={category_id}", scope.TenantId));
        var found = await campaigns.ListAsync(scope.TenantId, category_id, window.After, window.FetchSize, cancellationToken);
        var page = pages.Cut(window, found, campaign => campaign.Id);
        return TypedResults.Ok(new CampaignListResponse { Campaigns = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Results<Ok<Campaign>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string campaign_id, ICampaignStore campaigns, CancellationToken cancellationToken) =>
        await campaigns.GetAsync(scope.TenantId, campaign_id, cancellationToken) is { } campaign ? TypedResults.Ok(campaign) : ApiProblems.CampaignNotFound(campaign_id);

    private static async Task<Results<Ok<Campaign>, ProblemHttpResult>> UpdateAsync(
        TenantScope scope, string campaign_id, JsonBody<UpdateCampaignRequest> body, ICampaignStore campaigns, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var updated = await campaigns.UpdateAsync(scope.TenantId, campaign_id, request.Name, request.TtlDays is 0 ? null : request.TtlDays,
            clearTtl: request.TtlDays is 0, request.Status, request.Metadata is { } metadata ? JsonObjects.ToStored(metadata) : null, cancellationToken);
        return updated is null ? ApiProblems.CampaignNotFound(campaign_id) : TypedResults.Ok(updated);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        TenantScope scope, string campaign_id, ICampaignStore campaigns, CancellationToken cancellationToken) =>
        await campaigns.DeleteAsync(scope.TenantId, campaign_id, cancellationToken) is null ? ApiProblems.CampaignNotFound(campaign_id) : TypedResults.NoContent();

    private static async Task<Results<Created<MessageListResponse>, Ok<MessageListResponse>>> AppendAsync(
        TenantScope scope, string campaign_id, string user_id, JsonBody<AppendMessagesRequest> body,
        [Microsoft.AspNetCore.Mvc.FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, MessageAppender appender, CancellationToken cancellationToken)
    {
        var result = await appender.AppendForParticipantAsync(scope.TenantId, campaign_id, user_id, body.Value.Items(), idempotencyKey, cancellationToken);
        var response = new MessageListResponse { Messages = result.Messages };
        return result.AnyNew
            ? TypedResults.Created($"/api/v1/campaigns/{Uri.EscapeDataString(campaign_id)}/users/{Uri.EscapeDataString(user_id)}/messages", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<MessageListResponse>, ProblemHttpResult>> ListMessagesAsync(
        TenantScope scope, string campaign_id, string user_id, int? limit, string? before, string? after, string? role, IMessageStore messages,
        Pages pages, CancellationToken cancellationToken)
    {
        var query = MessageHistory.Query(pages.Size(limit), before, after, null, role) with { CampaignId = campaign_id };
        var page = await messages.ListAsync(scope.TenantId, user_id, query, cancellationToken);
        return page is null
            ? ApiProblems.NotFound($"Campaign '{campaign_id}' has no participant '{user_id}'.")
            : TypedResults.Ok(MessageHistory.ToResponse(page, forward: query.After is not null));
    }
}
