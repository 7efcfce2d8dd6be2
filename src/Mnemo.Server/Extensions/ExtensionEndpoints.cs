using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Extensions;
using Mnemo.Json;
using Mnemo.Server.Access;
using Mnemo.Server.Categories;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Time;
using Mnemo.Validation;

namespace Mnemo.Server.Extensions;

/// <summary>Seed 002's user extensions, at the seed's paths: a user's extensions, their usage metrics and practicality factors.</summary>
public static class ExtensionEndpoints
{
    // Imports may date a point; a clock a little ahead is no reason to refuse it.
    private static readonly TimeSpan FutureSlack = TimeSpan.FromMinutes(5);

    /// <summary>Maps <c>/api/v1/extensions/{user_id}</c>.</summary>
    public static RouteGroupBuilder MapExtensions(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/extensions/{user_id}", "Extensions");
        writes.MapPost("/", CreateAsync).Accepts<CreateExtensionRequest>("application/json");
        reads.MapGet("/", ListAsync);
        reads.MapGet("/{extension_id}", GetAsync);
        writes.MapPut("/{extension_id}", UpdateAsync).Accepts<UpdateExtensionRequest>("application/json");
        writes.MapDelete("/{extension_id}", DeleteAsync);
        writes.MapPost("/{extension_id}/metrics", RecordAsync).Accepts<RecordMetricsRequest>("application/json");
        reads.MapGet("/{extension_id}/metrics", MetricsAsync);
        writes.MapPut("/{extension_id}/factors", SetFactorsAsync).Accepts<SetExtensionFactorsRequest>("application/json");
        reads.MapGet("/{extension_id}/factors", GetFactorsAsync);
        return group;
    }

    private static async Task<Results<Created<UserExtension>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, string user_id, JsonBody<CreateExtensionRequest> body, IExtensionStore extensions, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var request = body.Value;
        var now = timeProvider.GetUtcNowMicroseconds();
        var extension = new UserExtension
        {
            Id = Guid.CreateVersion7(now),
            UserId = user_id,
            Name = request.Name!,
            Type = request.Type!,
            Config = JsonObjects.Parse(JsonObjects.ToStored(request.Config)),
            Enabled = request.Enabled ?? true,
            Metadata = JsonObjects.Parse(JsonObjects.ToStored(request.Metadata)),
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await extensions.CreateAsync(scope.TenantId, extension, cancellationToken)
            ? TypedResults.Created($"/api/v1/extensions/{Uri.EscapeDataString(user_id)}/{extension.Id}", extension)
            : ApiProblems.UserNotFound(user_id);
    }

    private static async Task<Results<Ok<ExtensionListResponse>, ProblemHttpResult>> ListAsync(
        TenantScope scope, string user_id, [AsParameters] PageRequest request, IExtensionStore extensions, Pages pages, CancellationToken cancellationToken)
    {
        var window = pages.Open(request, new PageScope("extensions", scope.TenantId, user_id));
        var after = window.After is null ? (Guid?)null : Guid.Parse(window.After);
        if (await extensions.ListAsync(scope.TenantId, user_id, after, window.FetchSize, cancellationToken) is not { } found)
        {
            return ApiProblems.UserNotFound(user_id);
        }
        var page = pages.Cut(window, found, extension => extension.Id.ToString());
        return TypedResults.Ok(new ExtensionListResponse { Extensions = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Results<Ok<UserExtension>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string user_id, string extension_id, IExtensionStore extensions, CancellationToken cancellationToken) =>
        Guid.TryParse(extension_id, out var id) && await extensions.GetAsync(scope.TenantId, user_id, id, cancellationToken) is { } extension
            ? TypedResults.Ok(extension)
            : NotFound(user_id, extension_id);

    private static async Task<Results<Ok<UserExtension>, ProblemHttpResult>> UpdateAsync(
        TenantScope scope, string user_id, string extension_id, JsonBody<UpdateExtensionRequest> body, IExtensionStore extensions,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var change = new ExtensionChange(request.Name, request.Type, request.Config is { } config ? JsonObjects.ToStored(config) : null, request.Enabled,
            request.Metadata is { } metadata ? JsonObjects.ToStored(metadata) : null, timeProvider.GetUtcNowMicroseconds());
        return Guid.TryParse(extension_id, out var id) && await extensions.UpdateAsync(scope.TenantId, user_id, id, change, cancellationToken) is { } updated
            ? TypedResults.Ok(updated)
            : NotFound(user_id, extension_id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        TenantScope scope, string user_id, string extension_id, IExtensionStore extensions, CancellationToken cancellationToken) =>
        Guid.TryParse(extension_id, out var id) && await extensions.DeleteAsync(scope.TenantId, user_id, id, cancellationToken)
            ? TypedResults.NoContent()
            : NotFound(user_id, extension_id);

    private static async Task<Results<Created<RecordedMetricsResponse>, ProblemHttpResult>> RecordAsync(
        TenantScope scope, string user_id, string extension_id, JsonBody<RecordMetricsRequest> body, IExtensionStore extensions,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNowMicroseconds();
        var inputs = body.Value.Points();
        var errors = new ValidationErrors();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].RecordedAt > now + FutureSlack)
            {
                errors.Add(body.Value.Metrics is null ? "recorded_at" : $"metrics[{i}].recorded_at", "must not be more than 5 minutes in the future");
            }
        }
        if (!errors.IsEmpty)
        {
            throw new RequestValidationException(errors);
        }
        List<MetricPoint> points = [.. inputs.Select(input => new MetricPoint
        {
            Name = input.Name!,
            Value = input.Value!.Value,
            RecordedAt = input.RecordedAt is { } at ? TimeProviderExtensions.TruncateToMicroseconds(at) : now,
        })];
        return Guid.TryParse(extension_id, out var id) && await extensions.RecordAsync(scope.TenantId, user_id, id, points, cancellationToken)
            ? TypedResults.Created($"/api/v1/extensions/{Uri.EscapeDataString(user_id)}/{id}/metrics", new RecordedMetricsResponse { Points = points })
            : NotFound(user_id, extension_id);
    }

    private static async Task<Results<Ok<MetricsResponse>, ProblemHttpResult>> MetricsAsync(
        TenantScope scope, string user_id, string extension_id, string? name, DateTimeOffset? from, DateTimeOffset? to, string? bucket,
        IExtensionStore extensions, CancellationToken cancellationToken)
    {
        TimeSpan? width = null;
        if (bucket is not null)
        {
            width = MetricSummaries.Buckets.TryGetValue(bucket, out var known) ? known : throw ApiProblems.InvalidField("bucket", "must be 'hour' or 'day'");
        }
        if (from is not null && to is not null && from >= to)
        {
            throw ApiProblems.InvalidField("to", "must be after from");
        }
        if (!Guid.TryParse(extension_id, out var id)
            || await extensions.PointsAsync(scope.TenantId, user_id, id, name, from, to, ExtensionRules.MaxPointsPerRead + 1, cancellationToken) is not { } points)
        {
            return NotFound(user_id, extension_id);
        }
        if (points.Count > ExtensionRules.MaxPointsPerRead)
        {
            throw ApiProblems.InvalidField("from", $"the range holds more than {ExtensionRules.MaxPointsPerRead} points; narrow from and to");
        }
        return TypedResults.Ok(new MetricsResponse
        {
            Points = width is null ? points : null,
            Buckets = width is { } span ? MetricSummaries.Bucketed(points, span) : null,
            Summary = MetricSummaries.Summary(points),
        });
    }

    private static async Task<Results<Ok<ExtensionFactorsResponse>, ProblemHttpResult>> SetFactorsAsync(
        TenantScope scope, string user_id, string extension_id, JsonBody<SetExtensionFactorsRequest> body, IExtensionStore extensions,
        FactorValues factorValues, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(extension_id, out var id))
        {
            return NotFound(user_id, extension_id);
        }
        var factors = body.Value.Factors!;
        await factorValues.CheckAsync(scope.TenantId, factors, "factors", cancellationToken);
        return await extensions.SetFactorsAsync(scope.TenantId, user_id, id, factors, cancellationToken)
            && await extensions.GetFactorsAsync(scope.TenantId, user_id, id, cancellationToken) is { } stored
            ? TypedResults.Ok(stored)
            : NotFound(user_id, extension_id);
    }

    private static async Task<Results<Ok<ExtensionFactorsResponse>, ProblemHttpResult>> GetFactorsAsync(
        TenantScope scope, string user_id, string extension_id, IExtensionStore extensions, CancellationToken cancellationToken) =>
        Guid.TryParse(extension_id, out var id) && await extensions.GetFactorsAsync(scope.TenantId, user_id, id, cancellationToken) is { } factors
            ? TypedResults.Ok(factors)
            : NotFound(user_id, extension_id);

    private static ProblemHttpResult NotFound(string userId, string extensionId) =>
        ApiProblems.NotFound($"User '{userId}' has no extension '{extensionId}'.");
}
