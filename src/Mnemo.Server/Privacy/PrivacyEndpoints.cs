using Microsoft.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.ApiKeys;
using Mnemo.Erasure;
using Mnemo.Server.Access;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Privacy;

/// <summary>GDPR: export everything about a user (art. 20) and erase it (art. 17).</summary>
public static class PrivacyEndpoints
{
    /// <summary>Maps <c>GET /api/v1/users/{user_id}/export</c> and <c>DELETE /api/v1/users/{user_id}</c>.</summary>
    public static RouteGroupBuilder MapPrivacy(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/users/{user_id}").WithTags("Privacy");
        // An export streams for as long as the history takes; the request timeout does not apply.
        group.MapGet("/export", ExportAsync)
            .Produces<UserExportDocument>(StatusCodes.Status200OK, "application/json")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // ?format=csv: the messages as CSV, one row each.
                operation.Responses?["200"].Content?.Add("text/csv", new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
                return Task.CompletedTask;
            })
            .RequireTenant(ApiKeyScopes.Read).AllowUserTokens().DisableRequestTimeout();
        group.MapDelete("/", EraseAsync).RequireTenant(ApiKeyScopes.Write);
        var erasures = routes.MapGroup("/api/v1/erasures").WithTags("Privacy").RequireTenant(ApiKeyScopes.Admin);
        erasures.MapGet("/", ListErasuresAsync);
        erasures.MapPost("/reapply", ReapplyErasuresAsync);
        return group;
    }

    private static async Task<Results<Ok<ErasureResponse>, ProblemHttpResult>> EraseAsync(
        TenantScope scope, string user_id, IUserEraser eraser, CancellationToken cancellationToken) =>
        await eraser.EraseAsync(scope.TenantId, user_id, cancellationToken) is { } counts
            ? TypedResults.Ok(new ErasureResponse { Deleted = counts })
            : ApiProblems.UserNotFound(user_id);

    private static async Task<Ok<ErasureListResponse>> ListErasuresAsync(
        TenantScope scope, [AsParameters] PageRequest request, IUserEraser eraser, Pages pages, CancellationToken cancellationToken)
    {
        var window = pages.Open(request, new PageScope("erasures", scope.TenantId));
        ErasurePosition? before = null;
        if (window.After is { } after)
        {
            before = Positions.TryTimeAndId(after, out var time, out var id) ? new ErasurePosition(time, id) : throw ApiProblems.InvalidCursor();
        }
        var fetched = await eraser.ListLedgerAsync(scope.TenantId, window.FetchSize, before, cancellationToken);
        var page = pages.Cut(window, fetched, erasure => Positions.TimeAndId(erasure.ErasedAt, erasure.Id));
        return TypedResults.Ok(new ErasureListResponse { Erasures = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Ok<ReapplyErasuresResponse>> ReapplyErasuresAsync(TenantScope scope, IUserEraser eraser, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ReapplyErasuresResponse { Erased = (await eraser.ReapplyAsync(scope.TenantId, cancellationToken)).Count });

    private static async Task<IResult> ExportAsync(
        HttpContext http, TenantScope scope, string user_id, string? format, UserExport export, CancellationToken cancellationToken)
    {
        if (format is not (null or "json" or "csv"))
        {
            throw ApiProblems.InvalidField("format", "must be 'json' or 'csv'");
        }
        if (!await export.ExistsAsync(scope.TenantId, user_id, cancellationToken))
        {
            return ApiProblems.UserNotFound(user_id);
        }
        var fileName = $"mnemo-export-{SafeFileName(user_id)}.{format ?? "json"}";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        if (format == "csv")
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            await export.WriteCsvAsync(scope.TenantId, user_id, http.Response.Body, cancellationToken);
        }
        else
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            await export.WriteJsonAsync(scope.TenantId, user_id, http.Response.BodyWriter, cancellationToken);
        }
        return Results.Empty;
    }

    private static string SafeFileName(string userId) =>
        string.Concat(userId.Select(character => char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.' ? character : '_'));
}
