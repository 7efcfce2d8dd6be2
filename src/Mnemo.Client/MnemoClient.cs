using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Mnemo.Access;
using Mnemo.Health;
using Mnemo.Json;
using Mnemo.Problems;

namespace Mnemo.Client;

/// <summary>
/// Typed client for the Mnemo HTTP API. Feature areas hang off it (<see cref="Tenants"/>,
/// <see cref="ApiKeys"/>); every call throws <see cref="MnemoApiException"/> for a problem answer.
/// </summary>
public sealed partial class MnemoClient
{
    private readonly HttpClient _http;

    /// <summary>
    /// A client over <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the
    /// server's root. <paramref name="apiKey"/> is sent as <c>X-API-Key</c>; <paramref name="tenantId"/>,
    /// for a platform key, as <c>X-Tenant-ID</c>.
    /// </summary>
    public MnemoClient(HttpClient http, string? apiKey = null, string? tenantId = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        ApiKey = apiKey;
        TenantId = tenantId;
        Tenants = new TenantsClient(this);
        Databases = new DatabasesClient(this);
        ApiKeys = new ApiKeysClient(this);
        Users = new UsersClient(this);
        Messages = new MessagesClient(this);
        Conversations = new ConversationsClient(this);
        Events = new EventsClient(this);
        Memory = new MemoryClient(this);
        Insights = new InsightsClient(this);
        Tasks = new TasksClient(this);
        Campaigns = new CampaignsClient(this);
        Categories = new CategoriesClient(this);
        Systems = new SystemsClient(this);
        Extensions = new ExtensionsClient(this);
        Auth = new AuthClient(this);
    }

    /// <summary>The API key sent with each request.</summary>
    public string? ApiKey { get; }

    /// <summary>The tenant a platform key acts for.</summary>
    public string? TenantId { get; }

    /// <summary>Tenant management (platform key).</summary>
    public TenantsClient Tenants { get; }

    /// <summary>Databases tenants live in, and moving tenants between them (platform key, PostgreSQL).</summary>
    public DatabasesClient Databases { get; }

    /// <summary>API key management.</summary>
    public ApiKeysClient ApiKeys { get; }

    /// <summary>Users, identity resolution, profiles, export and erasure.</summary>
    public UsersClient Users { get; }

    /// <summary>Messages and search.</summary>
    public MessagesClient Messages { get; }

    /// <summary>A user's conversations: start, list, read, end, delete.</summary>
    public ConversationsClient Conversations { get; }

    /// <summary>Analytics events.</summary>
    public EventsClient Events { get; }

    /// <summary>Memory profiles, memory events, compression and context assembly.</summary>
    public MemoryClient Memory { get; }

    /// <summary>User insights.</summary>
    public InsightsClient Insights { get; }

    /// <summary>The task queue.</summary>
    public TasksClient Tasks { get; }

    /// <summary>End-user sign-in.</summary>
    public AuthClient Auth { get; }

    /// <summary>Campaigns, campaign users, seed 002's user context and migration, retention runs.</summary>
    public CampaignsClient Campaigns { get; }

    /// <summary>Seed 002's category repository: categories, factors, entity assignments.</summary>
    public CategoriesClient Categories { get; }

    /// <summary>Seed 002's management system repository: systems, versions, tenant assignments, configuration.</summary>
    public SystemsClient Systems { get; }

    /// <summary>Seed 002's user extensions, their metrics and practicality factors.</summary>
    public ExtensionsClient Extensions { get; }

    /// <summary>A client that sends another key (and tenant) over the same connection pool.</summary>
    public MnemoClient WithApiKey(string? apiKey, string? tenantId = null) => new(_http, apiKey, tenantId);

    /// <summary><c>GET /health</c>.</summary>
    public Task<HealthResponse> GetHealthAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "health", null, MnemoJsonContext.Default.HealthResponse, cancellationToken);

    /// <summary><c>GET /health/ready</c>.</summary>
    public Task<HealthResponse> GetReadinessAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "health/ready", null, MnemoJsonContext.Default.HealthResponse, cancellationToken);

    /// <summary><c>GET /api/v1/me</c>: who this client's key is.</summary>
    public Task<MeResponse> GetMeAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "api/v1/me", null, MnemoJsonContext.Default.MeResponse, cancellationToken);

    internal async Task<TResponse> SendAsync<TResponse>(
        HttpMethod method, string path, HttpContent? content, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken,
        Action<HttpRequestHeaders>? headers = null) =>
        (await SendWithHeadersAsync(method, path, content, responseType, cancellationToken, headers)).Body;

    /// <summary>Like <see cref="SendAsync{TResponse}"/>, also handing back the response headers (ETags).</summary>
    internal async Task<(TResponse Body, HttpResponseHeaders Headers)> SendWithHeadersAsync<TResponse>(
        HttpMethod method, string path, HttpContent? content, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken,
        Action<HttpRequestHeaders>? headers = null)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken, headers: headers);
        var body = await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
            ?? throw new MnemoApiException(response.StatusCode, null);
        return (body, response.Headers);
    }

    internal async Task SendAsync(
        HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, Action<HttpRequestHeaders>? headers = null)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken, headers: headers);
    }

    /// <summary>Sends a request and hands back the successful response unread, for streamed answers; the caller disposes it.</summary>
    internal Task<HttpResponseMessage> SendForStreamAsync(HttpMethod method, string path, CancellationToken cancellationToken) =>
        SendRawAsync(method, path, null, cancellationToken, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>A path with the query parameters that have a value.</summary>
    internal static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var query = string.Join('&', parameters.Where(parameter => parameter.Value is not null)
            .Select(parameter => $"{parameter.Name}={Uri.EscapeDataString(parameter.Value!)}"));
        return query.Length == 0 ? path : $"{path}?{query}";
    }

    /// <summary>The path of a user's resources.</summary>
    internal static string UserPath(string userId) => $"api/v1/users/{Uri.EscapeDataString(userId)}";

    internal static JsonContent Json<T>(T body, JsonTypeInfo<T> typeInfo) => JsonContent.Create(body, typeInfo);

    private async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, Action<HttpRequestHeaders>? headers = null)
    {
        HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(method, path) { Content = content };
            headers?.Invoke(request.Headers);
            if (ApiKey is not null)
            {
                request.Headers.Add("X-API-Key", ApiKey);
            }
            if (TenantId is not null)
            {
                request.Headers.Add("X-Tenant-ID", TenantId);
            }
            return request;
        }

        async ValueTask<HttpResponseMessage> SendOnceAsync(CancellationToken token)
        {
            var request = Build();
            try
            {
                return await _http.SendAsync(request, completion, token);
            }
            finally
            {
                // The content is sent again on a retry: keep it out of the request's disposal.
                request.Content = null;
                request.Dispose();
            }
        }

        HttpResponseMessage response;
        using (var probe = Build())
        {
            // A conditional write that landed but lost its answer would meet 412 on a retry: never repeat one.
            var retryable = ClientRetries.IsRetryable(method, probe.Headers.Contains("Idempotency-Key")) && !probe.Headers.Contains("If-Match");
            probe.Content = null;
            response = retryable
                ? await ClientRetries.SendAsync(SendOnceAsync, cancellationToken)
                : await SendOnceAsync(cancellationToken);
        }
        content?.Dispose();
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw new MnemoApiException(response.StatusCode, await ReadProblemAsync(response, cancellationToken));
        }
    }

    private static async Task<ProblemResponse?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
        {
            return null;
        }
        try
        {
            return await response.Content.ReadFromJsonAsync(MnemoJsonContext.Default.ProblemResponse, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    internal static string Escape(string segment) => Uri.EscapeDataString(segment);
}
