using System.Text.Json;

namespace Mnemo.Categories;

/// <summary>A node of the tenant's category tree (seed 002's category repository).</summary>
public sealed record Category
{
    /// <summary>The id, chosen by the caller or made by Mnemo.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>What kind of category, the caller's vocabulary (e.g. <c>industry</c>, <c>skill</c>).</summary>
    public required string Type { get; init; }

    /// <summary>The parent category; null at the root.</summary>
    public string? ParentId { get; init; }

    /// <summary>What it is for.</summary>
    public required string Description { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public required JsonElement Metadata { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A factor of the tenant's registry: a weighted measure with a range (practicality factors use them).</summary>
public sealed record Factor
{
    /// <summary>The id, chosen by the caller or made by Mnemo.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>The category it belongs to, if any.</summary>
    public string? CategoryId { get; init; }

    /// <summary>Its weight in a weighted mean (0 or more).</summary>
    public required double Weight { get; init; }

    /// <summary>The smallest value it takes.</summary>
    public required double Min { get; init; }

    /// <summary>The largest value it takes.</summary>
    public required double Max { get; init; }

    /// <summary>What it measures.</summary>
    public required string Description { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>An entity of the tenant (a user, campaign, extension or system) placed in a category.</summary>
public sealed record EntityAssignment
{
    /// <summary>The assignment's id (UUIDv7).</summary>
    public required Guid Id { get; init; }

    /// <summary><c>user</c>, <c>campaign</c>, <c>extension</c> or <c>system</c>.</summary>
    public required string EntityType { get; init; }

    /// <summary>The entity's id.</summary>
    public required string EntityId { get; init; }

    /// <summary>The category.</summary>
    public required string CategoryId { get; init; }

    /// <summary>Values of the tenant's factors for this entity, factor id to number.</summary>
    public required IReadOnlyDictionary<string, double> FactorValues { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A page of categories.</summary>
public sealed record CategoryListResponse
{
    /// <summary>The categories, by id.</summary>
    public required IReadOnlyList<Category> Categories { get; init; }

    /// <summary>The cursor of the next page; null on the last.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>A page of factors.</summary>
public sealed record FactorListResponse
{
    /// <summary>The factors, by id.</summary>
    public required IReadOnlyList<Factor> Factors { get; init; }

    /// <summary>The cursor of the next page; null on the last.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>A page of entity assignments.</summary>
public sealed record EntityAssignmentListResponse
{
    /// <summary>The assignments, oldest first.</summary>
    public required IReadOnlyList<EntityAssignment> Assignments { get; init; }

    /// <summary>The cursor of the next page; null on the last.</summary>
    public string? NextCursor { get; init; }
}
