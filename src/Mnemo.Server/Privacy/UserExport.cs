using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using CsvHelper;
using Mnemo.Campaigns;
using Mnemo.Conversations;
using Mnemo.Events;
using Mnemo.Extensions;
using Mnemo.Insights;
using Mnemo.Json;
using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Users;

namespace Mnemo.Server.Privacy;

/// <summary>GDPR art. 20: everything about a user, written as it is read (HTTP export and the CLI).</summary>
public sealed class UserExport(
    IUserStore users, IConversationStore conversations, IMessageStore messages, IEventStore events, IProfileStore profiles, IInsightStore insights,
    IUserContextStore contexts, IExtensionStore extensions, Mnemo.Categories.IEntityAssignmentStore assignments)
{
    private const int ExportPageSize = 200;

    /// <summary>True when the tenant has the user.</summary>
    public async Task<bool> ExistsAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        await users.GetAsync(tenantId, userId, cancellationToken) is not null;

    /// <summary>
    /// One JSON document written as it is read: messages stream from the store in batches, so
    /// the memory an export takes does not grow with the user's history. The writer sits on the
    /// response's PipeWriter, where the serializer's own flushes only commit buffered bytes (on a
    /// Stream they would be synchronous writes, which Kestrel refuses); the local FlushAsync
    /// sends them.
    /// </summary>
    public async Task WriteJsonAsync(string tenantId, string userId, PipeWriter body, CancellationToken cancellationToken)
    {
        var about = new ExportHeader(
            (await users.GetAsync(tenantId, userId, cancellationToken))!,
            await users.GetProfileAsync(tenantId, userId, cancellationToken),
            await profiles.GetStoredAsync(tenantId, userId, cancellationToken),
            await insights.ListAsync(tenantId, userId, topic: null, int.MaxValue, cancellationToken) ?? [],
            await contexts.ListParticipationsAsync(tenantId, userId, cancellationToken));
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

        writer.WriteStartArray("extensions");
        var extensionIds = new List<Guid>();
        Guid? extensionsAfter = null;
        while (await extensions.ListAsync(tenantId, user.Id, extensionsAfter, ExportPageSize, cancellationToken) is { Count: > 0 } page)
        {
            foreach (var extension in page)
            {
                extensionIds.Add(extension.Id);
                // An ExportedExtension, written as its points are read.
                var factors = await extensions.GetFactorsAsync(tenantId, user.Id, extension.Id, cancellationToken);
                writer.WriteStartObject();
                writer.WritePropertyName("extension");
                JsonSerializer.Serialize(writer, extension, context.UserExtension);
                writer.WritePropertyName("factors");
                JsonSerializer.Serialize(writer, factors?.Factors ?? new Dictionary<string, double>(), context.IReadOnlyDictionaryStringDouble);
                writer.WriteStartArray("metrics");
                var written = 0;
                await foreach (var point in extensions.StreamPointsAsync(tenantId, extension.Id, cancellationToken))
                {
                    JsonSerializer.Serialize(writer, point, context.MetricPoint);
                    if (++written % ExportPageSize == 0)
                    {
                        await FlushAsync();
                    }
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            await FlushAsync();
            if (page.Count < ExportPageSize)
            {
                break;
            }
            extensionsAfter = page[^1].Id;
        }
        writer.WriteEndArray();

        // The categories the user and their extensions are placed in, with the values recorded there.
        writer.WriteStartArray("entity_assignments");
        foreach (var (type, id) in extensionIds.Select(extensionId => ("extension", extensionId.ToString())).Prepend(("user", user.Id)))
        {
            Guid? assignmentsAfter = null;
            while (await assignments.ListAsync(tenantId, new Mnemo.Categories.EntityAssignmentQuery(type, id, null, assignmentsAfter, ExportPageSize), cancellationToken)
                is { Count: > 0 } page)
            {
                foreach (var assignment in page)
                {
                    JsonSerializer.Serialize(writer, assignment, context.EntityAssignment);
                }
                if (page.Count < ExportPageSize)
                {
                    break;
                }
                assignmentsAfter = page[^1].Id;
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await FlushAsync();
    }

    /// <summary>
    /// The messages as CSV, written as they are read. Fields that a spreadsheet would run as a
    /// formula are escaped (CSV injection); the JSON export keeps content exactly.
    /// </summary>
    public async Task WriteCsvAsync(string tenantId, string userId, Stream body, CancellationToken cancellationToken)
    {
        var options = new CsvWriterOptions { Injection = CsvInjection.Escape };
        await using var csv = CsvWriter.Create(body, options, leaveOpen: true);
        await csv.WriteRecordAsync(["id", "seq", "created_at", "role", "content", "conversation_id", "campaign_id", "tags", "metadata", "edited_at"], cancellationToken);
        await foreach (var message in messages.StreamAsync(tenantId, userId, cancellationToken))
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

}
