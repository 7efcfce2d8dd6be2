using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Mnemo.Server.Access;

namespace Mnemo.Server.Docs;

/// <summary>
/// Each operation's side of the contract, from the endpoint's own metadata (never its path): the
/// credentials it needs, the problem answers the pipeline can give it, and every path parameter
/// its route names (a handler that does not bind one, such as a group's <c>{tenant_id}</c>,
/// would otherwise leave it out).
/// </summary>
internal sealed partial class OperationContract : IOpenApiOperationTransformer
{
    private const string ProblemJson = "application/problem+json";

    // What each status means wherever it appears; an endpoint's own ProducesProblem keeps its place.
    private static readonly Dictionary<int, string> Meanings = new()
    {
        [400] = "The request is invalid: `errors` names each field (validation_failed, unknown_fields, malformed_json, invalid_character, invalid_cursor, ...).",
        [401] = "No credentials, or credentials that are not valid (missing_credentials, invalid_credentials).",
        [403] = "The credentials do not allow this (insufficient_scope, tenant_forbidden, platform_key_required, user_forbidden, tenant_suspended, forbidden).",
        [404] = "A resource the path names does not exist for this caller (not_found, category_not_found, entity_not_found).",
        [408] = "The body arrived too slowly (bad_request).",
        [409] = "The request conflicts with the resource's state (already_exists, identity_collision, task_conflict, retention_busy, category_cycle, category_in_use).",
        [412] = "The If-Match precondition failed (precondition_failed).",
        [413] = "The body is larger than the server accepts (payload_too_large).",
        [415] = "The body is not application/json (unsupported_media_type).",
        [429] = "The key's rate limit is spent; Retry-After says when to retry (rate_limited).",
        [500] = "A fault of Mnemo's; the server log has the details (internal_error).",
        [503] = "The database cannot be reached, or a model is not ready; Retry-After says when to retry (store_unavailable, semantic_unavailable).",
        [504] = "The request took longer than the server allows (request_timeout).",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var policies = metadata.OfType<IAuthorizeData>().Select(data => data.Policy).OfType<string>().ToList();
        var tenantScoped = policies.Exists(policy => policy.StartsWith("tenant", StringComparison.Ordinal));

        operation.Parameters ??= [];
        var pathNames = PathParameters(description.RelativePath ?? string.Empty);
        foreach (var name in pathNames.Where(name => !operation.Parameters.Any(parameter => parameter.In == ParameterLocation.Path && parameter.Name == name)))
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        if (tenantScoped && !pathNames.Contains("tenant_id"))
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = AccessPolicies.TenantHeader,
                In = ParameterLocation.Header,
                Description = "With the platform key: the tenant to act for (a tenant's own key needs none).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        if (!anonymous)
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiContract.ApiKeyScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiContract.BearerScheme, context.Document)] = [] },
            ];
        }

        operation.Responses ??= [];
        // The limiter counts whatever credentials come, even on an anonymous endpoint; any request
        // can meet a fault of Mnemo's; only endpoints that keep the request timeout can time out.
        var statuses = new List<int> { 400, 429, 500 };
        if (!metadata.OfType<DisableRequestTimeoutAttribute>().Any())
        {
            statuses.Add(504);
        }
        if (!anonymous)
        {
            statuses.AddRange([401, 403]);
        }
        // A path's ids, or the tenant a platform key names in X-Tenant-ID (and the ids in its body).
        if (pathNames.Count > 0 || tenantScoped)
        {
            statuses.Add(404);
        }
        if (operation.RequestBody is not null)
        {
            statuses.AddRange([408, 413, 415]);
        }
        // Everything under /api reads the store, and readiness says when it cannot.
        if (description.RelativePath is { } path && (path.StartsWith("api/", StringComparison.Ordinal) || path == "health/ready"))
        {
            statuses.Add(503);
        }
        foreach (var status in statuses)
        {
            operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse());
        }
        // Every error answer, including an endpoint's own ProducesProblem, is one of Mnemo's problems.
        foreach (var (status, response) in operation.Responses.Where(pair => pair.Key[0] is '4' or '5').ToList())
        {
            var code = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
            operation.Responses[status] = new OpenApiResponse
            {
                Description = Meanings.TryGetValue(code, out var meaning) ? meaning : response.Description ?? "A problem.",
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    [ProblemJson] = new() { Schema = new OpenApiSchemaReference(OpenApiContract.ProblemSchema, context.Document) },
                },
            };
        }
        return Task.CompletedTask;
    }

    private static List<string> PathParameters(string route) =>
        [.. PathParameter().Matches(route).Select(match => match.Groups[1].Value)];

    // {name}, {name:constraint}, {name?}, {*name}, {**name}
    [GeneratedRegex(@"\{\**([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex PathParameter();
}
