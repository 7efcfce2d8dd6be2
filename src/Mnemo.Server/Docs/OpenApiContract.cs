using Microsoft.OpenApi;
using Mnemo.Problems;

namespace Mnemo.Server.Docs;

/// <summary>
/// <c>/openapi/v1.json</c> as a contract a generated client can trust: the two ways to
/// authenticate and which operations need them, every problem answer an operation can give (with
/// its schema and codes), every path parameter, integers typed as integers, and request bodies as
/// strict as the server reads them. The test suite validates every response it receives against
/// this document, and sends each operation bodies that break each documented constraint.
/// </summary>
public static class OpenApiContract
{
    /// <summary>The problem schema's name in <c>components</c>.</summary>
    public const string ProblemSchema = "Problem";

    /// <summary>The API key (or user token) in <c>X-API-Key</c>.</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>The same credentials as <c>Authorization: Bearer</c>.</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>Registers the document and the transformers that make it a contract.</summary>
    public static IServiceCollection AddMnemoOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Mnemo API";
                document.Info.Version = "v1";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
                {
                    [ApiKeyScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.ApiKey,
                        In = ParameterLocation.Header,
                        Name = "X-API-Key",
                        Description = "A tenant's API key, the platform key, or a user's access token.",
                    },
                    [BearerScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        Description = "The same credentials as X-API-Key, sent as Authorization: Bearer.",
                    },
                };
                document.AddComponent(ProblemSchema, Problem());
                return Task.CompletedTask;
            });
            openApi.AddOperationTransformer<OperationContract>();
            openApi.AddSchemaTransformer<RequestSchemaContract>();
            openApi.AddDocumentTransformer<StrictRequestBodies>();
            openApi.AddDocumentTransformer<NullableAlternatives>();
        });

    /// <summary>RFC 9457 problem details as Mnemo writes them: always a stable <c>code</c>.</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. `code` is stable; `errors` names each invalid field.",
        Required = new HashSet<string>(StringComparer.Ordinal) { "status", "title", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "400", Maximum = "599" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = [.. ProblemCodes.All.Select(code => (System.Text.Json.Nodes.JsonNode)code!)],
            },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Each invalid field (a path such as `messages[2].role`) and what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["trace_id"] = new OpenApiSchema { Type = JsonSchemaType.String },
        },
    };
}
