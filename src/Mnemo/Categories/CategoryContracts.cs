using System.ComponentModel.DataAnnotations;
using Mnemo.Validation;

namespace Mnemo.Categories;

/// <summary>The rules the registries share.</summary>
public static class RegistryRules
{
    /// <summary>Longest description.</summary>
    public const int MaxDescription = 2000;

    /// <summary>The largest weight, and the largest magnitude of a factor's bounds and values.</summary>
    public const double MaxMagnitude = 1e12;

    /// <summary>Most factor values in one body.</summary>
    public const int MaxFactorValues = 100;

    /// <summary>The entity types an assignment can name.</summary>
    public static readonly IReadOnlyList<string> EntityTypes = ["user", "campaign", "extension", "system"];

    /// <summary>Checks an optional registry id.</summary>
    public static void CheckId(string? value, string field, ValidationErrors errors, bool required = false)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "is required");
            }
        }
        else if (!Identifiers.IsRegistryId(value))
        {
            errors.Add(field, Identifiers.RegistryIdRule);
        }
    }

    /// <summary>Checks an optional description.</summary>
    public static void CheckDescription(string? value, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is { Length: > MaxDescription })
        {
            errors.Add("description", $"must be at most {MaxDescription} characters");
        }
    }

    /// <summary>Checks factor id to value pairs (their factors and ranges are the store's to check).</summary>
    public static void CheckFactorValues(IReadOnlyDictionary<string, double>? values, string field, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (values is null)
        {
            return;
        }
        if (values.Count > MaxFactorValues)
        {
            errors.Add(field, $"must hold at most {MaxFactorValues} factors");
        }
        foreach (var (factorId, value) in values)
        {
            if (!Identifiers.IsRegistryId(factorId))
            {
                errors.Add($"{field}.{factorId}", "is not a factor id (" + Identifiers.RegistryIdRule + ")");
            }
            else if (Math.Abs(value) > MaxMagnitude)
            {
                errors.Add($"{field}.{factorId}", $"must be between -{MaxMagnitude:0e0} and {MaxMagnitude:0e0}");
            }
        }
    }
}

/// <summary>Body of <c>PUT /api/v1/categories/{category_id}</c>: the category's fields, all replaced.</summary>
public record ReplaceCategoryRequest : RegistryEntryRequest
{
    /// <summary>The parent category, which must exist; absent or null puts it at the root.</summary>
    [RegularExpression(Identifiers.RegistryIdPattern)]
    public string? ParentId { get; init; }

    /// <inheritdoc />
    public override void Validate(ValidationErrors errors)
    {
        base.Validate(errors);
        RegistryRules.CheckId(ParentId, "parent_id", errors);
    }
}

/// <summary>Body of <c>POST /api/v1/categories</c>.</summary>
public sealed record CreateCategoryRequest : ReplaceCategoryRequest
{
    /// <summary>The id; Mnemo makes one when absent.</summary>
    [RegularExpression(Identifiers.RegistryIdPattern)]
    public string? Id { get; init; }

    /// <inheritdoc />
    public override void Validate(ValidationErrors errors)
    {
        base.Validate(errors);
        RegistryRules.CheckId(Id, "id", errors);
    }
}

/// <summary>Body of <c>PUT /api/v1/factors/{factor_id}</c>: the factor's fields, all replaced.</summary>
public record ReplaceFactorRequest : IValidatable
{
    /// <summary>Display name.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Name { get; init; }

    /// <summary>The category it belongs to, which must exist; absent for none.</summary>
    [RegularExpression(Identifiers.RegistryIdPattern)]
    public string? CategoryId { get; init; }

    /// <summary>Its weight in a weighted mean.</summary>
    [Required]
    [Range(0, RegistryRules.MaxMagnitude)]
    public double? Weight { get; init; }

    /// <summary>The smallest value it takes (below <c>max</c>).</summary>
    [Required]
    [Range(-RegistryRules.MaxMagnitude, RegistryRules.MaxMagnitude)]
    public double? Min { get; init; }

    /// <summary>The largest value it takes (above <c>min</c>).</summary>
    [Required]
    [Range(-RegistryRules.MaxMagnitude, RegistryRules.MaxMagnitude)]
    public double? Max { get; init; }

    /// <summary>What it measures.</summary>
    [StringLength(RegistryRules.MaxDescription)]
    public string? Description { get; init; }

    /// <inheritdoc />
    public virtual void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(Name, "name", errors, required: true);
        RegistryRules.CheckId(CategoryId, "category_id", errors);
        CheckNumber(Weight, "weight", 0, errors);
        CheckNumber(Min, "min", -RegistryRules.MaxMagnitude, errors);
        CheckNumber(Max, "max", -RegistryRules.MaxMagnitude, errors);
        if (Min is { } min && Max is { } max && min >= max)
        {
            errors.Add("max", "must be greater than min");
        }
        RegistryRules.CheckDescription(Description, errors);
    }

    private static void CheckNumber(double? value, string field, double lowest, ValidationErrors errors)
    {
        if (value is null)
        {
            errors.Add(field, "is required");
        }
        else if (value < lowest || value > RegistryRules.MaxMagnitude)
        {
            errors.Add(field, $"must be between {lowest:0.###e0} and {RegistryRules.MaxMagnitude:0e0}");
        }
    }
}

/// <summary>Body of <c>POST /api/v1/factors</c>.</summary>
public sealed record CreateFactorRequest : ReplaceFactorRequest
{
    /// <summary>The id; Mnemo makes one when absent.</summary>
    [RegularExpression(Identifiers.RegistryIdPattern)]
    public string? Id { get; init; }

    /// <inheritdoc />
    public override void Validate(ValidationErrors errors)
    {
        base.Validate(errors);
        RegistryRules.CheckId(Id, "id", errors);
    }
}

/// <summary>Body of <c>POST /api/v1/entity-assignments</c>.</summary>
public sealed record CreateEntityAssignmentRequest : IValidatable
{
    /// <summary><c>user</c>, <c>campaign</c>, <c>extension</c> or <c>system</c>.</summary>
    [Required]
    [AllowedValues("user", "campaign", "extension", "system")]
    public string? EntityType { get; init; }

    /// <summary>The entity's id; it must exist in the tenant.</summary>
    [Required]
    [RegularExpression(Identifiers.RegistryIdPattern)]
    public string? EntityId { get; init; }

    /// <summary>The category; it must exist.</summary>
    [Required]
    [RegularExpression(Identifiers.RegistryIdPattern)]
    public string? CategoryId { get; init; }

    /// <summary>Values of the tenant's factors, each within its factor's range.</summary>
    public IReadOnlyDictionary<string, double>? FactorValues { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (EntityType is null)
        {
            errors.Add("entity_type", "is required");
        }
        else if (!RegistryRules.EntityTypes.Contains(EntityType))
        {
            errors.Add("entity_type", "must be 'user', 'campaign', 'extension' or 'system'");
        }
        RegistryRules.CheckId(EntityId, "entity_id", errors, required: true);
        RegistryRules.CheckId(CategoryId, "category_id", errors, required: true);
        RegistryRules.CheckFactorValues(FactorValues, "factor_values", errors);
    }
}
