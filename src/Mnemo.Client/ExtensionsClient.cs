using System.Globalization;
using Mnemo.Extensions;
using Mnemo.Json;

namespace Mnemo.Client;

/// <summary>Seed 002's user extensions: <c>/api/v1/extensions/{user_id}</c>, their metrics and practicality factors.</summary>
public sealed class ExtensionsClient
{
    private readonly MnemoClient _client;

    internal ExtensionsClient(MnemoClient client) => _client = client;

    /// <summary>Adds an extension to a user (404 for an unknown user; nothing is created).</summary>
    public Task<UserExtension> CreateAsync(string userId, CreateExtensionRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, Path(userId), MnemoClient.Json(request, MnemoJsonContext.Default.CreateExtensionRequest),
            MnemoJsonContext.Default.UserExtension, cancellationToken);

    /// <summary>A page of the user's extensions, oldest first.</summary>
    public Task<ExtensionListResponse> ListAsync(string userId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery(Path(userId), ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.ExtensionListResponse, cancellationToken);

    /// <summary>One extension, with its practicality.</summary>
    public Task<UserExtension> GetAsync(string userId, Guid extensionId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, Path(userId, extensionId), null, MnemoJsonContext.Default.UserExtension, cancellationToken);

    /// <summary>Changes the fields given.</summary>
    public Task<UserExtension> UpdateAsync(string userId, Guid extensionId, UpdateExtensionRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, Path(userId, extensionId), MnemoClient.Json(request, MnemoJsonContext.Default.UpdateExtensionRequest),
            MnemoJsonContext.Default.UserExtension, cancellationToken);

    /// <summary>Deletes an extension with its metrics, factors and category assignments.</summary>
    public Task DeleteAsync(string userId, Guid extensionId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, Path(userId, extensionId), null, cancellationToken);

    /// <summary>Records one metric point, or a batch in <see cref="RecordMetricsRequest.Metrics"/>.</summary>
    public Task<RecordedMetricsResponse> RecordMetricsAsync(string userId, Guid extensionId, RecordMetricsRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, $"{Path(userId, extensionId)}/metrics", MnemoClient.Json(request, MnemoJsonContext.Default.RecordMetricsRequest),
            MnemoJsonContext.Default.RecordedMetricsResponse, cancellationToken);

    /// <summary>The metric points in [<paramref name="from"/>, <paramref name="to"/>) (or per <paramref name="bucket"/>, <c>hour</c> or <c>day</c>) and a summary per metric.</summary>
    public Task<MetricsResponse> GetMetricsAsync(
        string userId, Guid extensionId, string? name = null, DateTimeOffset? from = null, DateTimeOffset? to = null, string? bucket = null,
        CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery($"{Path(userId, extensionId)}/metrics",
                ("name", name), ("from", from?.ToString("O", CultureInfo.InvariantCulture)), ("to", to?.ToString("O", CultureInfo.InvariantCulture)), ("bucket", bucket)),
            null, MnemoJsonContext.Default.MetricsResponse, cancellationToken);

    /// <summary>Replaces the extension's practicality factors (each a factor of the tenant's registry, within its range).</summary>
    public Task<ExtensionFactorsResponse> SetFactorsAsync(
        string userId, Guid extensionId, IReadOnlyDictionary<string, double> factors, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, $"{Path(userId, extensionId)}/factors",
            MnemoClient.Json(new SetExtensionFactorsRequest { Factors = factors }, MnemoJsonContext.Default.SetExtensionFactorsRequest),
            MnemoJsonContext.Default.ExtensionFactorsResponse, cancellationToken);

    /// <summary>The extension's practicality factors and their weighted mean.</summary>
    public Task<ExtensionFactorsResponse> GetFactorsAsync(string userId, Guid extensionId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"{Path(userId, extensionId)}/factors", null, MnemoJsonContext.Default.ExtensionFactorsResponse, cancellationToken);

    private static string Path(string userId) => $"api/v1/extensions/{Uri.EscapeDataString(userId)}";

    private static string Path(string userId, Guid extensionId) => $"{Path(userId)}/{extensionId}";
}
