using Microsoft.Extensions.DependencyInjection;

namespace Mnemo.Client;

/// <summary>Settings for <see cref="MnemoClientServiceCollectionExtensions.AddMnemoClient"/>.</summary>
public sealed class MnemoClientOptions
{
    /// <summary>The server's root, e.g. <c>http://mnemo:5000/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key sent with every call.</summary>
    public string? ApiKey { get; set; }

    /// <summary>For a platform key: the tenant to act for.</summary>
    public string? TenantId { get; set; }

    /// <summary>How long one attempt may take (retries each get this long).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Registers <see cref="MnemoClient"/> with <see cref="IHttpClientFactory"/>.</summary>
public static class MnemoClientServiceCollectionExtensions
{
    /// <summary>The name of the client's <see cref="HttpClient"/>.</summary>
    public const string HttpClientName = "Mnemo";

    /// <summary>Adds a transient <see cref="MnemoClient"/> configured by <paramref name="configure"/>.</summary>
    public static IServiceCollection AddMnemoClient(this IServiceCollection services, Action<MnemoClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MnemoClientOptions();
        configure(options);
        if (options.BaseAddress is null)
        {
            throw new ArgumentException("MnemoClientOptions.BaseAddress is required.", nameof(configure));
        }
        services.AddHttpClient(HttpClientName, http =>
        {
            http.BaseAddress = options.BaseAddress;
            http.Timeout = options.Timeout;
        });
        services.AddTransient(provider =>
            new MnemoClient(provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), options.ApiKey, options.TenantId));
        return services;
    }
}
