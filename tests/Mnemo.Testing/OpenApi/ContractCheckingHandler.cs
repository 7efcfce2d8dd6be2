namespace Mnemo.Testing.OpenApi;

/// <summary>
/// Checks every response a test receives from the server against the server's own OpenAPI
/// document: the status is documented for the operation, and the body matches its schema. A
/// mismatch fails the request (and with it the test), and is written down with every check in
/// <see cref="LogPath"/>, which the test command sums up (so a test that swallows the exception
/// still shows it). Paths the document does not describe (health, the page, MCP, unknown routes)
/// pass unchecked.
/// </summary>
public sealed class ContractCheckingHandler(Uri server) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
{
    private static readonly Lock LogLock = new();

    private DocumentedApi? _api;

    /// <summary>One line per response checked: the operation, the status, and ok or what was wrong.</summary>
    public static string LogPath { get; } = Path.Combine(AppContext.BaseDirectory, "openapi-responses.tsv");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // What was asked, before anything could rewrite the request (redirects are not followed: a 3xx is an answer to check).
        var method = request.Method;
        var uri = request.RequestUri;
        var response = await base.SendAsync(request, cancellationToken);
        if (uri is null || method == HttpMethod.Head || !uri.AbsolutePath.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            return response;
        }
        var api = _api ??= await LoadAsync(cancellationToken);
        var path = DocumentedApi.DecodePath(uri.AbsolutePath);
        var operation = api.Find(method.Method, path);
        var status = (int)response.StatusCode;
        if (operation is null)
        {
            // Only routing's own refusals may come from a route the document does not list.
            if (status is not (404 or 405))
            {
                Log($"{method} (undocumented) {path}\t{status}\tan undocumented route answered");
                throw new ContractViolationException($"{method} {uri.AbsolutePath}: answered {status}, but the document lists no such operation");
            }
            return response;
        }
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var violation = api.Check(operation, status, response.Content.Headers.ContentType?.MediaType, body);
        Log($"{operation.Method} {operation.Template}\t{status}\t{(violation is null ? "ok" : violation.ReplaceLineEndings(" "))}");
        if (violation is not null)
        {
            throw new ContractViolationException($"{method} {uri.AbsolutePath} → {operation.Method} {operation.Template}: {violation}");
        }
        return response;
    }

    private async Task<DocumentedApi> LoadAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "openapi/v1.json"));
        using var response = await base.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return DocumentedApi.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static void Log(string line)
    {
        lock (LogLock)
        {
            File.AppendAllText(LogPath, line + "\n");
        }
    }
}

/// <summary>A response the server's OpenAPI document does not allow.</summary>
public sealed class ContractViolationException(string message) : Exception(message);
