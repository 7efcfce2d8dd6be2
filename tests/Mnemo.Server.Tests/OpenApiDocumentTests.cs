using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mnemo.Problems;
using Mnemo.Testing.OpenApi;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 19: the document's own promises, checked on every operation it lists (the responses
/// themselves are checked by <see cref="ContractCheckingHandler"/> on every test's requests).
/// </summary>
public sealed partial class OpenApiDocumentTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task Every_operation_declares_its_path_parameters_credentials_and_problem_answers()
    {
        var api = DocumentedApi.Parse(await fixture.Server.Http.GetStringAsync("openapi/v1.json"));
        // The endpoints marked anonymous, from the server's own metadata.
        var anonymous = MappedEndpoints.Of(fixture.Server)
            .Where(endpoint => endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)
            .SelectMany(endpoint => MappedEndpoints.Methods(endpoint).Select(method => $"{method.Method} /{endpoint.RoutePattern.RawText!.Trim('/')}"))
            .ToHashSet(StringComparer.Ordinal);
        var schemes = api.Document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("X-API-Key", schemes["ApiKey"]!["name"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["Bearer"]!["scheme"]!.GetValue<string>());

        foreach (var operation in api.Operations)
        {
            var name = $"{operation.Method} {operation.Template}";
            var declared = operation.Node["parameters"]?.AsArray().Where(parameter => parameter!["in"]!.GetValue<string>() == "path")
                .Select(parameter => parameter!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList() ?? [];
            var inPath = PathParameter().Matches(operation.Template).Select(match => match.Groups[1].Value).Order(StringComparer.Ordinal).ToList();
            Assert.True(inPath.SequenceEqual(declared), $"{name}: path parameters {string.Join(",", inPath)}, declared {string.Join(",", declared)}");

            var responses = operation.Node["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("400"), $"{name} documents no 400");
            if (!anonymous.Contains(name.TrimEnd('/')))
            {
                Assert.True(operation.Node["security"] is JsonArray { Count: 2 }, $"{name} declares no credentials");
                Assert.True(responses.ContainsKey("401") && responses.ContainsKey("403"), $"{name} documents no 401 or 403");
            }
            foreach (var (status, response) in responses.Where(pair => pair.Key[0] is '4' or '5'))
            {
                Assert.Equal("#/components/schemas/Problem", response!["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>());
            }
        }
        var codes = api.Document["components"]!["schemas"]!["Problem"]!["properties"]!["code"]!["enum"]!.AsArray().Select(code => code!.GetValue<string>());
        Assert.Equal(ProblemCodes.All.Order(StringComparer.Ordinal), codes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Numbers_are_typed_as_numbers_and_request_objects_refuse_unknown_fields()
    {
        var text = await fixture.Server.Http.GetStringAsync("openapi/v1.json");
        var api = DocumentedApi.Parse(text);

        // The server refuses "0" where it wants 0, so no schema may admit a string for a number.
        Assert.DoesNotMatch(NumberOrString(), text);
        var schemas = api.Document["components"]!["schemas"]!.AsObject();
        foreach (var operation in api.Operations.Where(operation => operation.Node["requestBody"] is not null))
        {
            var reference = operation.Node["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
            var schema = schemas[reference.Split('/')[^1]]!;
            Assert.False(schema["additionalProperties"]!.GetValue<bool>(), $"{operation.Method} {operation.Template}: unknown fields are refused");
        }
    }

    [GeneratedRegex(@"\{\**([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex("\"type\":\\s*\\[[^\\]]*\"(integer|number)\"[^\\]]*\"string\"|\"type\":\\s*\\[[^\\]]*\"string\"[^\\]]*\"(integer|number)\"")]
    private static partial Regex NumberOrString();
}
