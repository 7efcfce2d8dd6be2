using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mnemo.Server.Docs;

/// <summary>
/// The generator writes a nullable reference as <c>oneOf: [{type: null}, {$ref}]</c>. When the
/// referenced schema also admits null (free-form JSON does), a null matches both and
/// <c>oneOf</c> refuses it; <c>anyOf</c> says what is meant: null, or the schema. A required
/// property keeps only the reference: the server refuses its null.
/// </summary>
internal sealed class NullableAlternatives : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var seen = new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance);
        foreach (var schema in document.Components?.Schemas?.Values ?? [])
        {
            Rewrite(schema, seen);
        }
        foreach (var operation in document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                Rewrite(parameter.Schema, seen);
            }
            foreach (var media in (operation.RequestBody?.Content?.Values ?? []).Concat(
                (operation.Responses?.Values.AsEnumerable() ?? []).SelectMany(response => response.Content?.Values.AsEnumerable() ?? [])))
            {
                Rewrite(media.Schema, seen);
            }
        }
        return Task.CompletedTask;
    }

    private static void Rewrite(IOpenApiSchema? schema, HashSet<OpenApiSchema> seen)
    {
        if (schema is not OpenApiSchema inline || !seen.Add(inline))
        {
            return; // a reference is rewritten where its target is, among the components
        }
        if (inline.OneOf is { Count: 2 } alternatives && alternatives.Any(IsNull))
        {
            inline.AnyOf = alternatives;
            inline.OneOf = null;
        }
        // A required property is refused when null (the request's validation says "is required").
        foreach (var name in inline.Required ?? new HashSet<string>())
        {
            if (inline.Properties?.TryGetValue(name, out var property) == true && property is OpenApiSchema { } nullable
                && (nullable.OneOf ?? nullable.AnyOf) is { Count: 2 } choices && choices.Any(IsNull))
            {
                inline.Properties[name] = choices.Single(choice => !IsNull(choice));
            }
        }
        foreach (var child in (inline.Properties?.Values ?? []).Concat(inline.AnyOf ?? []).Concat(inline.OneOf ?? []).Concat(inline.AllOf ?? [])
            .Append(inline.Items).Append(inline.AdditionalProperties))
        {
            Rewrite(child, seen);
        }
    }

    private static bool IsNull(IOpenApiSchema schema) => schema is OpenApiSchema { Type: JsonSchemaType.Null };
}
