using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Mnemo.Validation;

namespace Mnemo.Users;

/// <summary>Body of <c>POST /api/v1/users</c>.</summary>
public sealed record CreateUserRequest : IValidatable
{
    /// <summary>The caller's id for the user.</summary>
    [Required]
    [RegularExpression(Identifiers.UserIdSchemaPattern)]
    public string? Id { get; init; }

    /// <summary>Contact address; optional and not verified.</summary>
    [StringLength(Limits.MaxShortText)]
    public string? Email { get; init; }

    /// <summary>Display name.</summary>
    [StringLength(Limits.MaxShortText)]
    public string? Name { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public JsonElement? Metadata { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!Identifiers.IsUserId(Id))
        {
            errors.Add("id", Id is null ? "is required" : Identifiers.UserIdRule);
        }
        Limits.CheckShortText(Email, "email", errors);
        Limits.CheckShortText(Name, "name", errors);
        Limits.CheckMetadata(Metadata, "metadata", errors);
    }
}

/// <summary>Body of <c>POST /api/v1/users/resolve</c>.</summary>
public sealed record ResolveUserRequest : IValidatable
{
    /// <summary>The identity provider, e.g. <c>shopify</c>.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Provider { get; init; }

    /// <summary>The user's id there, e.g. a shop domain.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? ExternalId { get; init; }

    /// <summary>Email to store when the user is new.</summary>
    [StringLength(Limits.MaxShortText)]
    public string? Email { get; init; }

    /// <summary>Name to store when the user is new.</summary>
    [StringLength(Limits.MaxShortText)]
    public string? Name { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(Provider, "provider", errors, required: true);
        Limits.CheckShortText(ExternalId, "external_id", errors, required: true);
        Limits.CheckShortText(Email, "email", errors);
        Limits.CheckShortText(Name, "name", errors);
    }
}

/// <summary>Body of <c>PUT /api/v1/users/{user_id}</c>: absent fields keep their value.</summary>
public sealed record UpdateUserRequest : IValidatable
{
    /// <summary>New email.</summary>
    [StringLength(Limits.MaxShortText)]
    public string? Email { get; init; }

    /// <summary>New name.</summary>
    [StringLength(Limits.MaxShortText)]
    public string? Name { get; init; }

    /// <summary>New metadata (replaces the old object).</summary>
    public JsonElement? Metadata { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(Email, "email", errors);
        Limits.CheckShortText(Name, "name", errors);
        Limits.CheckMetadata(Metadata, "metadata", errors);
    }
}

/// <summary>Answer of <c>POST /api/v1/users/resolve</c>: the user's fields, its id again as <c>user_id</c>, and whether it was created.</summary>
public sealed record ResolveUserResponse : User
{
    /// <summary>For deserialisation.</summary>
    public ResolveUserResponse()
    {
    }

    /// <summary>The answer for a resolved user.</summary>
    [SetsRequiredMembers]
    public ResolveUserResponse(ResolvedUser resolved)
        : base((resolved ?? throw new ArgumentNullException(nameof(resolved))).User)
    {
        UserId = resolved.User.Id;
        IsNew = resolved.IsNew;
    }

    /// <summary>The derived id (seed 004's name for it).</summary>
    public required string UserId { get; init; }

    /// <summary>True when this call created the user.</summary>
    public required bool IsNew { get; init; }
}

/// <summary>A page of users.</summary>
public sealed record UserListResponse
{
    /// <summary>Users by id.</summary>
    public required IReadOnlyList<User> Users { get; init; }

    /// <summary>The next page's cursor, or null.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>Seed 004's user profile: the user and their conversation statistics.</summary>
public sealed record UserProfile
{
    /// <summary>The user's id.</summary>
    public required string UserId { get; init; }

    /// <summary>The new email; unchanged when null.</summary>
    public string? Email { get; init; }

    /// <summary>The new display name; unchanged when null.</summary>
    public string? Name { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last activity.</summary>
    public required DateTimeOffset LastSeen { get; init; }

    /// <summary>Conversation statistics.</summary>
    public required UserStats Stats { get; init; }
}

/// <summary>How many conversations a user has had, and when.</summary>
public sealed record UserStats
{
    /// <summary>Number of conversations.</summary>
    public required long TotalConversations { get; init; }

    /// <summary>When the first started.</summary>
    public DateTimeOffset? FirstConversation { get; init; }

    /// <summary>When the last started.</summary>
    public DateTimeOffset? LastConversation { get; init; }
}
