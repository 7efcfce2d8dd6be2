using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mnemo.Server.Docs;

/// <summary>
/// Free-form JSON as the object it is, and what the generator leaves out of a property's schema: a <see cref="RequiredAttribute"/>
/// property is refused when null, so null is not among its types; an
/// <see cref="AllowedValuesAttribute"/> becomes the schema's <c>enum</c> (on a list, each
/// item's). The generator reads the other validation attributes itself.
/// </summary>
internal sealed class RequestSchemaContract : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // Free-form JSON (metadata, context, a task's request and result) is always an object:
        // every such field is checked to be one on the way in, and stored and answered as one.
        if (context.JsonTypeInfo.Type == typeof(System.Text.Json.JsonElement) && context.JsonPropertyInfo is null)
        {
            schema.Type = JsonSchemaType.Object;
        }
        var attributes = context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(inherit: true) ?? [];
        var required = attributes.OfType<RequiredAttribute>().Any();
        if (required)
        {
            schema.Type &= ~JsonSchemaType.Null;
            if (schema.OneOf is { } alternatives)
            {
                schema.OneOf = [.. alternatives.Where(alternative => alternative is not OpenApiSchema { Type: JsonSchemaType.Null })];
            }
        }
        if (attributes.OfType<AllowedValuesAttribute>().FirstOrDefault() is not { } allowed)
        {
            return Task.CompletedTask;
        }
        var target = schema.Type?.HasFlag(JsonSchemaType.Array) == true && schema.Items is OpenApiSchema items ? items : schema;
        var values = allowed.Values.Select(value => value is null ? null : JsonValue.Create(value.ToString())).ToList<JsonNode?>();
        if (target.Type?.HasFlag(JsonSchemaType.Null) == true && !values.Contains(null))
        {
            values.Add(null);
        }
        target.Enum = [.. values!];
        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>additionalProperties: false</c> on every object a request body can hold: the server refuses
/// an unknown field at any depth (<c>unknown_fields</c>). Free-form objects (metadata,
/// dictionaries) declare no properties and stay open.
/// </summary>
internal sealed class StrictRequestBodies : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var components = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            {
                Close(media.Schema, components, visited);
            }
        }
        return Task.CompletedTask;
    }

    private static void Close(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> components, HashSet<string> visited)
    {
        switch (schema)
        {
            case OpenApiSchemaReference reference when reference.Reference.Id is { } id:
                if (visited.Add(id) && components.TryGetValue(id, out var target))
                {
                    Close(target, components, visited);
                }
                break;
            case OpenApiSchema inline:
                if (inline.Properties is { Count: > 0 } properties)
                {
                    inline.AdditionalPropertiesAllowed = false;
                    foreach (var property in properties.Values)
                    {
                        Close(property, components, visited);
                    }
                }
                Close(inline.Items, components, visited);
                foreach (var alternative in (inline.OneOf ?? []).Concat(inline.AnyOf ?? []).Concat(inline.AllOf ?? []))
                {
                    Close(alternative, components, visited);
                }
                break;
        }
    }
}
