using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Mnemo.ApiKeys;
using Mnemo.Conversations;
using Mnemo.Erasure;
using Mnemo.Insights;
using Mnemo.Json;
using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Server.Conversations;
using Mnemo.Server.Insights;
using Mnemo.Server.Json;
using Mnemo.Server.Memory;
using Mnemo.Server.Messages;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Server.Recall;

#pragma warning disable CA1707 // Parameter names are the tools' argument names: snake_case, as the REST API's.

namespace Mnemo.Server.Mcp;

/// <summary>
/// Mnemo's memory as MCP tools. Each tool checks who may act (<see cref="McpAccess"/>), reads its
/// arguments through the same checks as its REST twin's body or query, calls the same use case,
/// and answers the REST answer's JSON (<see cref="McpCalls"/>); it has no logic of its own.
/// <c>user_id</c> is required with a tenant key and optional with a user token (its own user).
/// </summary>
[McpServerToolType]
internal sealed class MemoryTools(
    McpAccess access, McpCalls calls, MessageAppender appender, SearchPages search, ContextAssembler contexts, ConversationReading conversations,
    MemoryProfiles profiles, InsightWriter insightWriter, IInsightStore insights, IMessageStore messages, IUserEraser eraser, Pages pages)
{
    private const string UserIdHelp = "The user whose memory this is; optional with a user token (its own user), required with a tenant key.";

    [McpServerTool(Name = "remember", Title = "Remember messages", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(MessageListResponse))]
    [Description("Stores what was said (1 to 100 messages, in order) in the user's memory. Give idempotency_key to make a retry safe: the same key returns the first result.")]
    public Task<CallToolResult> RememberAsync(
        [Description("The messages: role (user, assistant, system or tool) and content, optionally conversation_id, metadata (an object), tags and created_at.")] IReadOnlyList<MessageInput> messages,
        [Description(UserIdHelp)] string? user_id = null,
        [Description("Makes a retry of this call safe: the same key answers with the messages first stored.")] string? idempotency_key = null,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("remember", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Write);
            var request = Checked(new AppendMessagesRequest { Messages = messages }, MnemoJsonContext.Default.AppendMessagesRequest);
            var result = await appender.AppendAsync(actor.TenantId, actor.UserId, request.Items(), idempotency_key, cancellationToken);
            return new MessageListResponse { Messages = result.Messages };
        }, cancellationToken);

    [McpServerTool(Name = "recall", Title = "Recall memories", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(SearchResponse))]
    [Description("Searches the user's messages for a question or words: hybrid (meaning and words, the default), semantic or keyword. Best first; next_cursor pages on.")]
    public Task<CallToolResult> RecallAsync(
        [Description("The question or words to look for (at most 500 characters).")] string query,
        [Description(UserIdHelp)] string? user_id = null,
        [Description("hybrid, semantic or keyword.")] string? mode = null,
        [Description("Results per page (default 50, at most 200).")] int? limit = null,
        [Description("The next_cursor of the previous page.")] string? cursor = null,
        [Description("Only this conversation's messages.")] string? conversation_id = null,
        [Description("Only this role's messages: user, assistant, system or tool.")] string? role = null,
        [Description("Only messages created at or after this time (RFC 3339).")] string? from = null,
        [Description("Only messages created before this time (RFC 3339).")] string? to = null,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("recall", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Read);
            var parameters = new SearchQuery { Q = query, Mode = mode, ConversationId = conversation_id, Role = role, From = from, To = to };
            return await search.ForUserAsync(actor.TenantId, actor.UserId, parameters, new PageRequest { Limit = limit, Cursor = cursor }, cancellationToken)
                ?? throw UserNotFound(actor);
        }, cancellationToken);

    [McpServerTool(Name = "get_context", Title = "Get context", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(AssembledContext))]
    [Description("What to prompt with on this turn: the user's profile, memory summary, recent messages and, for a query, the relevant older ones, within a character budget.")]
    public Task<CallToolResult> GetContextAsync(
        [Description(UserIdHelp)] string? user_id = null,
        [Description("The user's latest message or question: adds the relevant older messages.")] string? query = null,
        [Description("Recent messages to include (default 20, at most 200).")] int? max_messages = null,
        [Description("Character budget for the messages (default 8000).")] int? max_chars = null,
        [Description("Relevant messages to add for the query (default 5, at most 50).")] int? relevant_limit = null,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("get_context", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Read);
            return await contexts.ReadAsync(actor.TenantId, actor.UserId, max_messages, max_chars, query, relevant_limit, cancellationToken)
                ?? throw UserNotFound(actor);
        }, cancellationToken);

    [McpServerTool(Name = "list_conversations", Title = "List conversations", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(ConversationListResponse))]
    [Description("The user's conversations, newest first; next_cursor pages on.")]
    public Task<CallToolResult> ListConversationsAsync(
        [Description(UserIdHelp)] string? user_id = null,
        [Description("Conversations per page (default 50, at most 200).")] int? limit = null,
        [Description("The next_cursor of the previous page.")] string? cursor = null,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("list_conversations", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Read);
            return await conversations.ListAsync(actor.TenantId, actor.UserId, null, new PageRequest { Limit = limit, Cursor = cursor }, cancellationToken)
                ?? throw UserNotFound(actor);
        }, cancellationToken);

    [McpServerTool(Name = "get_conversation", Title = "Get a conversation", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(ConversationDetail))]
    [Description("One of the user's conversations with its most recent messages.")]
    public Task<CallToolResult> GetConversationAsync(
        [Description("The conversation's id.")] string conversation_id,
        [Description(UserIdHelp)] string? user_id = null,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("get_conversation", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Read);
            return await conversations.GetAsync(actor.TenantId, actor.UserId, conversation_id, cancellationToken)
                ?? throw ApiProblems.NotFoundError(ConversationReading.NotFoundDetail(actor.UserId, conversation_id));
        }, cancellationToken);

    [McpServerTool(Name = "get_profile", Title = "Get the profile", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(MemoryProfile))]
    [Description("How the assistant should be with the user (language, persona, tone, preferred topics) and the memory summary.")]
    public Task<CallToolResult> GetProfileAsync(
        [Description(UserIdHelp)] string? user_id = null,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("get_profile", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Read);
            return await profiles.GetAsync(actor.TenantId, actor.UserId, cancellationToken) ?? throw UserNotFound(actor);
        }, cancellationToken);

    [McpServerTool(Name = "update_profile", Title = "Update the profile", ReadOnly = false, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(MemoryProfile))]
    [Description("Changes how the assistant should be with the user; fields left out keep their value.")]
    public Task<CallToolResult> UpdateProfileAsync(
        [Description(UserIdHelp)] string? user_id = null,
        [Description("Language code, for example en or pt-BR.")] string? language = null,
        [Description("Who the assistant is for this user.")] string? persona = null,
        [Description("How the assistant speaks to this user.")] string? tone = null,
        [Description("Topics the user likes (replaces the list).")] IReadOnlyList<string>? preferred_topics = null,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("update_profile", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Write);
            var request = Checked(new UpdateProfileRequest { Language = language, Persona = persona, Tone = tone, PreferredTopics = preferred_topics },
                MnemoJsonContext.Default.UpdateProfileRequest);
            var write = await profiles.UpdateAsync(actor.TenantId, actor.UserId,
                new ProfilePatch(request.Language, request.Persona, request.Tone, request.PreferredTopics), expectedVersion: null, cancellationToken);
            return write.UserMissing ? throw UserNotFound(actor) : write.Profile!;
        }, cancellationToken);

    [McpServerTool(Name = "add_insight", Title = "Add an insight", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(Insight))]
    [Description("Records something learned about the user, under a topic.")]
    public Task<CallToolResult> AddInsightAsync(
        [Description("The topic, for example preferences or family.")] string topic,
        [Description("What was learned.")] string content,
        [Description(UserIdHelp)] string? user_id = null,
        [Description("A narrower topic.")] string? subtopic = null,
        [Description("How sure, from 0 to 1.")] double? confidence = null,
        [Description("Where it was learned.")] string? source = null,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("add_insight", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Write, userTokenMayRead: false);
            var request = Checked(new CreateInsightRequest { Topic = topic, Content = content, Subtopic = subtopic, Confidence = confidence, Source = source },
                MnemoJsonContext.Default.CreateInsightRequest);
            return await insightWriter.CreateAsync(actor.TenantId, actor.UserId, request, cancellationToken) ?? throw UserNotFound(actor);
        }, cancellationToken);

    [McpServerTool(Name = "list_insights", Title = "List insights", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(InsightListResponse))]
    [Description("What has been learned about the user, newest first, optionally of one topic.")]
    public Task<CallToolResult> ListInsightsAsync(
        [Description(UserIdHelp)] string? user_id = null,
        [Description("Only this topic.")] string? topic = null,
        [Description("At most this many (default 50, at most 200).")] int? limit = null,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("list_insights", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Read, userTokenMayRead: false);
            return await insights.ListAsync(actor.TenantId, actor.UserId, topic, pages.Size(limit), cancellationToken) is { } list
                ? new InsightListResponse { Insights = list }
                : throw UserNotFound(actor);
        }, cancellationToken);

    [McpServerTool(Name = "forget_message", Title = "Forget a message", ReadOnly = false, Destructive = true, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(DeletedResponse))]
    [Description("Deletes one of the user's messages, with its search index and vector.")]
    public Task<CallToolResult> ForgetMessageAsync(
        [Description("The message's id.")] string message_id,
        [Description(UserIdHelp)] string? user_id = null,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("forget_message", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Write);
            return Guid.TryParse(message_id, out var id) && await messages.DeleteAsync(actor.TenantId, actor.UserId, id, cancellationToken)
                ? new DeletedResponse { Deleted = 1 }
                : throw ApiProblems.NotFoundError(ApiProblems.MessageNotFoundDetail(actor.UserId, message_id));
        }, cancellationToken);

    [McpServerTool(Name = "erase_user", Title = "Erase a user", ReadOnly = false, Destructive = true, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(ErasureResponse))]
    [Description("Erases everything Mnemo holds about the user (the right to erasure): messages, conversations, profile, insights, vectors. Needs the admin scope, and confirm equal to user_id.")]
    public Task<CallToolResult> EraseUserAsync(
        [Description("The user to erase.")] string user_id,
        [Description("The same user id again: erasure cannot be undone.")] string confirm,
        CancellationToken cancellationToken = default) =>
        calls.RunAsync("erase_user", async () =>
        {
            var actor = access.ForUser(user_id, ApiKeyScopes.Admin);
            if (confirm != actor.UserId)
            {
                throw ApiProblems.InvalidField("confirm", "must equal user_id: erasure cannot be undone");
            }
            return await eraser.EraseAsync(actor.TenantId, actor.UserId, cancellationToken) is { } counts
                ? new ErasureResponse { Deleted = counts }
                : throw UserNotFound(actor);
        }, cancellationToken);

    /// <summary>
    /// The arguments as the REST body they stand for, read through the same checks (characters
    /// that cannot be stored, numbers, the request's own validation).
    /// </summary>
    private static T Checked<T>(T request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class =>
        JsonRequests.Read<T>(JsonSerializer.SerializeToElement(request, typeInfo));

    private static ApiProblemException UserNotFound(McpActor actor) => ApiProblems.NotFoundError(ApiProblems.UserNotFoundDetail(actor.UserId));
}
