using System.Text;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Mnemo.Server.Tests;

/// <summary>The endpoints a running server maps, read from ASP.NET Core's own data source, never listed by hand.</summary>
public static class MappedEndpoints
{
    /// <summary>Every route endpoint of <paramref name="server"/>.</summary>
    public static IReadOnlyList<RouteEndpoint> Of(MnemoTestServer server) =>
        [.. server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    /// <summary>The endpoint's methods (GET for one that takes any).</summary>
    public static IEnumerable<HttpMethod> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Select(method => new HttpMethod(method)) ?? [HttpMethod.Get];

    /// <summary>The body type the endpoint declares (<c>Accepts&lt;T&gt;</c>), if any.</summary>
    public static Type? RequestType(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    /// <summary>The names of the endpoint's string parameters bound from the query string.</summary>
    public static IEnumerable<string> QueryStrings(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<IParameterBindingMetadata>()
            .Where(parameter => parameter.ParameterInfo.ParameterType == typeof(string) && endpoint.RoutePattern.GetParameter(parameter.Name) is null)
            // A property of an [AsParameters] type is bound under its [FromQuery] name.
            .Select(parameter => parameter.ParameterInfo.GetCustomAttributes(true).OfType<IFromQueryMetadata>().FirstOrDefault()?.Name ?? parameter.Name);

    /// <summary>A path for the endpoint's template with each route parameter taken from <paramref name="values"/>.</summary>
    public static string Concrete(RoutePattern pattern, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(values);
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart { IsCatchAll: true } => "x",
                    RoutePatternParameterPart parameter => values.TryGetValue(parameter.Name, out var value)
                        ? value
                        : throw new InvalidOperationException($"No test value for route parameter '{parameter.Name}' in {pattern.RawText}"),
                    _ => throw new InvalidOperationException($"Unexpected route part in {pattern.RawText}"),
                });
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }
}
