using System.Text.Json.Serialization;

namespace Mnemo.Client.Agents;

/// <summary>
/// Whose memory an agent session reads and writes: a user of the API key's tenant and, where
/// the turns belong to one, a conversation of that user. Kept in the agent session's state, so a
/// serialized session comes back to the same memory.
/// </summary>
/// <param name="UserId">The Mnemo user (created by the first stored turn when new).</param>
/// <param name="ConversationId">
/// The conversation the turns are stored in; null for none (the context provider) or to start one
/// on the first turn (the chat-history provider).
/// </param>
public sealed record MnemoMemoryScope(string UserId, Guid? ConversationId = null);

/// <summary>Session state is serialized with the source-generated metadata of this context (no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MnemoMemoryScope))]
internal sealed partial class AgentStateJsonContext : JsonSerializerContext;
