using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Mnemo.Validation;

namespace Mnemo.Categories;

/// <summary>
/// The fields every registry entry is written with (a category, a management system): a name, a
/// type in the caller's vocabulary, a description and free-form metadata, all replaced on PUT.
/// </summary>
public abstract record RegistryEntryRequest : IValidatable
{
    /// <summary>Display name.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Name { get; init; }

    /// <summary>What kind of entry, in the caller's vocabulary (<c>industry</c>, <c>crm</c>, ...).</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Type { get; init; }

    /// <summary>What it is for.</summary>
    [StringLength(RegistryRules.MaxDescription)]
    public string? Description { get; init; }

    /// <summary>Free-form JSON object (at most 16 KiB).</summary>
    public JsonElement? Metadata { get; init; }

    /// <inheritdoc />
    public virtual void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(Name, "name", errors, required: true);
        Limits.CheckShortText(Type, "type", errors, required: true);
        RegistryRules.CheckDescription(Description, errors);
        Limits.CheckMetadata(Metadata, "metadata", errors);
    }
}
