using System.Net;
using System.Text;
using System.Text.Json;

namespace Mnemo.Server.Tests;

/// <summary>Sends raw HTTP (for bodies the typed client would never produce) and checks the problem answer.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> SendAsync(
        MnemoTestServer server, HttpMethod method, string path, string? body, string? apiKey, HttpStatusCode expected,
        IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (apiKey is not null)
        {
            request.Headers.Add("X-API-Key", apiKey);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }
        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("code").GetString()));
        return problem;
    }
}
