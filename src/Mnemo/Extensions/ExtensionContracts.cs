using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Mnemo.Categories;
using Mnemo.Validation;

namespace Mnemo.Extensions;

/// <summary>The limits of user extensions.</summary>
public static class ExtensionRules
{
    /// <summary>Largest configuration, in UTF-8 bytes of its JSON.</summary>
    public const int MaxConfigBytes = 64 * 1024;

    /// <summary>Most points in one recording.</summary>
    public const int MaxPointsPerRecording = 1000;

    /// <summary>Most points one read aggregates (narrow <c>from</c>/<c>to</c> past it).</summary>
    public const int MaxPointsPerRead = 10_000;

    /// <summary>Checks an optional configuration object.</summary>
    public static void CheckConfig(JsonElement? config, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (config is not { ValueKind: not JsonValueKind.Null } value)
        {
            return;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add("config", "must be a JSON object");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(value.GetRawText()) > MaxConfigBytes)
        {
            errors.Add("config", $"must be at most {MaxConfigBytes} bytes of JSON");
        }
    }
}

/// <summary>Body of <c>POST /api/v1/extensions/{user_id}</c>.</summary>
public sealed record CreateExtensionRequest : IValidatable
{
    /// <summary>Display name.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Name { get; init; }

    /// <summary>What kind of extension.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Type { get; init; }

    /// <summary>Its configuration, a JSON object (at most 64 KiB).</summary>
    public JsonElement? Config { get; init; }

    /// <summary>Whether it is on; true when absent.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Free-form JSON object (at most 16 KiB).</summary>
    public JsonElement? Metadata { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(Name, "name", errors, required: true);
        Limits.CheckShortText(Type, "type", errors, required: true);
        ExtensionRules.CheckConfig(Config, errors);
        Limits.CheckMetadata(Metadata, "metadata", errors);
    }
}

/// <summary>Body of <c>PUT /api/v1/extensions/{user_id}/{extension_id}</c>: the fields given change, the others stay.</summary>
public sealed record UpdateExtensionRequest : IValidatable
{
    /// <summary>A new name.</summary>
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Name { get; init; }

    /// <summary>A new type.</summary>
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Type { get; init; }

    /// <summary>A new configuration (replaces the old).</summary>
    public JsonElement? Config { get; init; }

    /// <summary>On or off.</summary>
    public bool? Enabled { get; init; }

    /// <summary>New metadata (replaces the old).</summary>
    public JsonElement? Metadata { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Name is null && Type is null && Config is null && Enabled is null && Metadata is null)
        {
            errors.Add("body", "must name at least one of name, type, config, enabled, metadata");
        }
        if (Name is not null)
        {
            Limits.CheckShortText(Name, "name", errors, required: true);
        }
        if (Type is not null)
        {
            Limits.CheckShortText(Type, "type", errors, required: true);
        }
        ExtensionRules.CheckConfig(Config, errors);
        Limits.CheckMetadata(Metadata, "metadata", errors);
    }
}

/// <summary>One value of one metric.</summary>
public record MetricInput
{
    /// <summary>The metric's name.</summary>
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Name { get; init; }

    /// <summary>The value.</summary>
    [Range(-RegistryRules.MaxMagnitude, RegistryRules.MaxMagnitude)]
    public double? Value { get; init; }

    /// <summary>When it was recorded; now when absent (at most 5 minutes in the future).</summary>
    public DateTimeOffset? RecordedAt { get; init; }

    /// <summary>Adds what is wrong with this point under <paramref name="prefix"/>.</summary>
    public void Check(string prefix, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(Name, prefix + "name", errors, required: true);
        if (Value is null)
        {
            errors.Add(prefix + "value", "is required");
        }
        else if (Math.Abs(Value.Value) > RegistryRules.MaxMagnitude)
        {
            errors.Add(prefix + "value", $"must be between -{RegistryRules.MaxMagnitude:0e0} and {RegistryRules.MaxMagnitude:0e0}");
        }
        if (RecordedAt is { } at && at < DateTimeOffset.UnixEpoch)
        {
            errors.Add(prefix + "recorded_at", "must not be before 1970");
        }
    }
}

/// <summary>Body of <c>POST …/{extension_id}/metrics</c>: one point's fields, or <c>metrics</c> with up to 1000.</summary>
public sealed record RecordMetricsRequest : MetricInput, IValidatable
{
    /// <summary>A batch.</summary>
    [MinLength(1)]
    [MaxLength(ExtensionRules.MaxPointsPerRecording)]
    public IReadOnlyList<MetricInput>? Metrics { get; init; }

    /// <summary>The points of the request, batch or single.</summary>
    public IReadOnlyList<MetricInput> Points() => Metrics ?? [this];

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Metrics is null)
        {
            Check(string.Empty, errors);
            return;
        }
        if (Name is not null || Value is not null || RecordedAt is not null)
        {
            errors.Add("metrics", "send one point's fields or metrics, not both");
        }
        if (Metrics.Count is 0 or > ExtensionRules.MaxPointsPerRecording)
        {
            errors.Add("metrics", $"must hold 1 to {ExtensionRules.MaxPointsPerRecording} points");
        }
        for (var i = 0; i < Math.Min(Metrics.Count, ExtensionRules.MaxPointsPerRecording); i++)
        {
            if (Metrics[i] is null)
            {
                errors.Add($"metrics[{i}]", "must be an object");
                continue;
            }
            Metrics[i].Check($"metrics[{i}].", errors);
        }
    }
}

/// <summary>Body of <c>PUT …/{extension_id}/factors</c>: the extension's factor values, all replaced.</summary>
public sealed record SetExtensionFactorsRequest : IValidatable
{
    /// <summary>Factor id to value; each factor defined in the tenant's registry, each value within its range.</summary>
    [Required]
    public IReadOnlyDictionary<string, double>? Factors { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Factors is null)
        {
            errors.Add("factors", "is required");
            return;
        }
        RegistryRules.CheckFactorValues(Factors, "factors", errors);
    }
}
