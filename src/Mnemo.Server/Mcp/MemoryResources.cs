using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using Mnemo.ApiKeys;
using Mnemo.Json;
using Mnemo.Server.Memory;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Mcp;

/// <summary>
/// The user's profile and memory summary as MCP resources, read as the <c>get_profile</c> tool
/// reads them. A refusal or a missing user is a resource error carrying the REST problem's code.
/// </summary>
[McpServerResourceType]
internal sealed class MemoryResources(McpAccess access, MemoryProfiles profiles)
{
    [McpServerResource(UriTemplate = "mnemo://users/{id}/profile", Name = "profile", Title = "Profile", MimeType = "application/json")]
    [Description("How the assistant should be with the user (language, persona, tone, preferred topics) and the memory summary, as JSON.")]
    public async Task<string> ProfileAsync(string id, CancellationToken cancellationToken) =>
        JsonSerializer.Serialize(await ReadAsync(id, cancellationToken), MnemoJsonContext.Default.MemoryProfile);

    [McpServerResource(UriTemplate = "mnemo://users/{id}/summary", Name = "summary", Title = "Memory summary", MimeType = "text/plain")]
    [Description("The summary of the user's compressed history, as text (empty when there is none yet).")]
    public async Task<string> SummaryAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync(id, cancellationToken)).MemorySummary ?? string.Empty;

    private async Task<Mnemo.Memory.MemoryProfile> ReadAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            var actor = access.ForUser(userId, ApiKeyScopes.Read);
            return await profiles.GetAsync(actor.TenantId, actor.UserId, cancellationToken)
                ?? throw ApiProblems.NotFoundError(ApiProblems.UserNotFoundDetail(actor.UserId));
        }
        catch (ApiProblemException problem)
        {
            throw new McpException($"{problem.Code}: {problem.Detail ?? problem.Title}");
        }
    }
}
