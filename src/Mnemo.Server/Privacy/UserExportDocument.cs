using Mnemo.Campaigns;
using Mnemo.Conversations;
using Mnemo.Events;
using Mnemo.Extensions;
using Mnemo.Insights;
using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Users;

namespace Mnemo.Server.Privacy;

/// <summary>
/// The shape of <c>GET /api/v1/users/{user_id}/export</c> as JSON, for the OpenAPI document:
/// <see cref="UserExport"/> streams it field by field rather than building one of these, and the
/// test suite checks every export it receives against this shape.
/// </summary>
public sealed record UserExportDocument
{
    /// <summary>The user.</summary>
    public required User User { get; init; }

    /// <summary>Their profile (seed 001's), if any.</summary>
    public UserProfile? Profile { get; init; }

    /// <summary>Their memory profile, if any.</summary>
    public MemoryProfile? MemoryProfile { get; init; }

    /// <summary>Their insights.</summary>
    public required IReadOnlyList<Insight> Insights { get; init; }

    /// <summary>The campaigns they take part in.</summary>
    public required IReadOnlyList<Participant> CampaignParticipations { get; init; }

    /// <summary>Their conversations, newest first.</summary>
    public required IReadOnlyList<Conversation> Conversations { get; init; }

    /// <summary>Their messages, oldest first.</summary>
    public required IReadOnlyList<Message> Messages { get; init; }

    /// <summary>Their events, newest first.</summary>
    public required IReadOnlyList<UserEvent> Events { get; init; }

    /// <summary>Their extensions, each with its practicality factors and metric points.</summary>
    public required IReadOnlyList<ExportedExtension> Extensions { get; init; }

    /// <summary>The category assignments naming the user or one of their extensions.</summary>
    public required IReadOnlyList<Mnemo.Categories.EntityAssignment> EntityAssignments { get; init; }
}
