using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.ApiKeys;
using Mnemo.Campaigns;
using Mnemo.Conversations;
using Mnemo.Erasure;
using Mnemo.Events;
using Mnemo.Insights;
using Mnemo.Json;
using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Paging;
using Mnemo.Server.Access;
using Mnemo.Server.Hosting;
using Mnemo.Server.Problems;
using Mnemo.Server.Users;
using Mnemo.Users;

namespace Mnemo.Server.Privacy;

/// <summary>GDPR: export everything about a user (art. 20) and erase it (art. 17).</summary>
public static class PrivacyEndpoints
{
    private const int ExportPageSize = 200;

    /// <summary>Maps <c>GET /api/v1/users/{user_id}/export</c> and <c>DELETE /api/v1/users/{user_id}</c>.</summary>
    public static RouteGroupBuilder MapPrivacy(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/users/{user_id}").WithTags("Privacy");
        // An export streams for as long as the history takes; the request timeout does not apply.
        group.MapGet("/export", ExportAsync).RequireTenant(ApiKeyScopes.Read).DisableRequestTimeout();
        group.MapDelete("/", EraseAsync).RequireTenant(ApiKeyScopes.Write);
        var erasures = routes.MapGroup("/api/v1/erasures").WithTags("Privacy").RequireTenant(ApiKeyScopes.Admin);
        erasures.MapGet("/", ListErasuresAsync);
        erasures.MapPost("/reapply", ReapplyErasuresAsync);
        return group;
    }

    private static async Task<Results<Ok<ErasureResponse>, ProblemHttpResult>> EraseAsync(
        TenantScope scope, string user_id, IUserEraser eraser, CancellationToken cancellationToken) =>
        await eraser.EraseAsync(scope.TenantId, user_id, cancellationToken) is { } counts
            ? TypedResults.Ok(new ErasureResponse { Deleted = counts })
            : UserEndpoints.UserNotFound(user_id);

    private static async Task<Ok<ErasureListResponse>> ListErasuresAsync(
        TenantScope scope, int? limit, string? cursor, IUserEraser eraser, ServerSettings settings, CancellationToken cancellationToken)
    {
        var pageSize = PageLimits.Resolve(limit, settings.Options.Limits);
        ErasurePosition? before = null;
        if (cursor is not null)
        {
            before = Cursor.TryDecodeTimeAndId(cursor, out var time, out var id)
                ? new ErasurePosition(time, id)
                : throw ApiProblems.InvalidField("cursor", "is not a cursor this server issued");
        }
        var page = await eraser.ListLedgerAsync(scope.TenantId, pageSize + 1, before, cancellationToken);
        var hasMore = page.Count > pageSize;
        var shown = hasMore ? page.Take(pageSize).ToList() : page;
        return TypedResults.Ok(new ErasureListResponse
        {
            Erasures = shown,
            NextCursor = hasMore ? Cursor.EncodeTimeAndId(shown[^1].ErasedAt, shown[^1].Id) : null,
        });
    }

    private static async Task<Ok<ReapplyErasuresResponse>> ReapplyErasuresAsync(TenantScope scope, IUserEraser eraser, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ReapplyErasuresResponse { Erased = (await eraser.ReapplyAsync(scope.TenantId, cancellationToken)).Count });

    private static async Task<IResult> ExportAsync(
        HttpContext http, TenantScope scope, string user_id, string? format, IUserStore users, IConversationStore conversations,
        IMessageStore messages, IEventStore events, IProfileStore profiles, IInsightStore insights, IUserContextStore contexts, CancellationToken cancellationToken)
    {
        if (format is not (null or "json" or "csv"))
        {
            throw ApiProblems.InvalidField("format", "must be 'json' or 'csv'");
        }
        var user = await users.GetAsync(scope.TenantId, user_id, cancellationToken);
        if (user is null)
        {
            return UserEndpoints.UserNotFound(user_id);
        }
        var fileName = $"mnemo-export-{SafeFileName(user_id)}.{format ?? "json"}";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        if (format == "csv")
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            await WriteCsvAsync(http.Response.Body, messages.StreamAsync(scope.TenantId, user_id, cancellationToken), cancellationToken);
        }
        else
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            var about = new ExportHeader(
                user,
                await users.GetProfileAsync(scope.TenantId, user_id, cancellationToken),
                await profiles.GetStoredAsync(scope.TenantId, user_id, cancellationToken),
                await insights.ListAsync(scope.TenantId, user_id, topic: null, int.MaxValue, cancellationToken) ?? [],
                await contexts.ListParticipationsAsync(scope.TenantId, user_id, cancellationToken));
            await WriteJsonAsync(http.Response.BodyWriter, scope.TenantId, about, conversations, messages, events, cancellationToken);
        }
        return Results.Empty;
    }

    /// <summary>
    /// One JSON document written as it is read: messages stream from the store in batches, so
    /// the memory an export takes does not grow with the user's history. The writer sits on the
    /// response's PipeWriter, where the serializer's own flushes only commit buffered bytes (on a
    /// Stream they would be synchronous writes, which Kestrel refuses); the local FlushAsync
    /// sends them.
    /// </summary>
    private static async Task WriteJsonAsync(
        PipeWriter body, string tenantId, ExportHeader about, IConversationStore conversations, IMessageStore messages, IEventStore events,
        CancellationToken cancellationToken)
    {
        var context = MnemoJsonContext.Default;
        await using var writer = new Utf8JsonWriter(body);
        async Task FlushAsync()
        {
            await writer.FlushAsync(cancellationToken);
            await body.FlushAsync(cancellationToken);
        }

        writer.WriteStartObject();
        var user = about.User;
        writer.WritePropertyName("user");
        JsonSerializer.Serialize(writer, user, context.User);
        writer.WritePropertyName("profile");
        JsonSerializer.Serialize(writer, about.Profile, context.UserProfile);
        writer.WritePropertyName("memory_profile");
        JsonSerializer.Serialize(writer, about.MemoryProfile, context.MemoryProfile);
        writer.WritePropertyName("insights");
        JsonSerializer.Serialize(writer, about.Insights, context.IReadOnlyListInsight);
        writer.WritePropertyName("campaign_participations");
        JsonSerializer.Serialize(writer, about.Participations, context.IReadOnlyListParticipant);

        writer.WriteStartArray("conversations");
        ConversationPosition? before = null;
        while (await conversations.ListAsync(tenantId, user.Id, new ConversationQuery(ExportPageSize, 0, before), cancellationToken) is { } page)
        {
            foreach (var conversation in page.Conversations)
            {
                JsonSerializer.Serialize(writer, conversation, context.Conversation);
            }
            await FlushAsync();
            if (!page.HasMore)
            {
                break;
            }
            before = new ConversationPosition(page.Conversations[^1].StartedAt, page.Conversations[^1].Id);
        }
        writer.WriteEndArray();

        writer.WriteStartArray("messages");
        var count = 0;
        await foreach (var message in messages.StreamAsync(tenantId, user.Id, cancellationToken))
        {
            JsonSerializer.Serialize(writer, message, context.Message);
            if (++count % ExportPageSize == 0)
            {
                await FlushAsync();
            }
        }
        writer.WriteEndArray();

        writer.WriteStartArray("events");
        EventPosition? eventsBefore = null;
        while (await events.ListAsync(tenantId, user.Id, null, ExportPageSize, eventsBefore, cancellationToken) is { Count: > 0 } page)
        {
            foreach (var userEvent in page)
            {
                JsonSerializer.Serialize(writer, userEvent, context.UserEvent);
            }
            await FlushAsync();
            if (page.Count < ExportPageSize)
            {
                break;
            }
            eventsBefore = new EventPosition(page[^1].CreatedAt, page[^1].Id);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await FlushAsync();
    }

    /// <summary>
    /// The messages as CSV, written as they are read. Fields that a spreadsheet would run as a
    /// formula are escaped (CSV injection); the JSON export keeps content exactly.
    /// </summary>
    private static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<Message> messages, CancellationToken cancellationToken)
    {
        var options = new CsvWriterOptions { Injection = CsvInjection.Escape };
        await using var csv = CsvWriter.Create(body, options, leaveOpen: true);
        await csv.WriteRecordAsync(["id", "seq", "created_at", "role", "content", "conversation_id", "campaign_id", "tags", "metadata", "edited_at"], cancellationToken);
        await foreach (var message in messages.WithCancellation(cancellationToken))
        {
            await csv.WriteRecordAsync(
            [
                message.Id.ToString(),
                message.Seq.ToString(CultureInfo.InvariantCulture),
                Timestamp(message.CreatedAt),
                message.Role,
                message.Content,
                message.ConversationId?.ToString() ?? string.Empty,
                message.CampaignId ?? string.Empty,
                string.Join(';', message.Tags),
                message.Metadata.GetRawText(),
                message.EditedAt is { } edited ? Timestamp(edited) : string.Empty,
            ], cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>The small parts of an export, read before streaming starts.</summary>
    private sealed record ExportHeader(
        User User, UserProfile? Profile, MemoryProfile? MemoryProfile, IReadOnlyList<Insight> Insights, IReadOnlyList<Participant> Participations);

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string SafeFileName(string userId) =>
        string.Concat(userId.Select(character => char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.' ? character : '_'));
}
