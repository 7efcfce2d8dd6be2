using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Mnemo.Validation;

namespace Mnemo.OAuth;

/// <summary>Body of <c>PUT /api/v1/tenants/{tenant_id}/oauth/shopify</c>.</summary>
public sealed record ShopifyAppRequest : IValidatable
{
    /// <summary>The app's API key.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? ClientId { get; init; }

    /// <summary>The app's API secret (stored encrypted, never shown again).</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? ClientSecret { get; init; }

    /// <summary>Comma-separated scopes, e.g. <c>read_products,read_orders</c>.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Scopes { get; init; }

    /// <summary>This server's callback URL, as registered with Shopify.</summary>
    [Required]
    public string? RedirectUrl { get; init; }

    /// <summary>Where the merchant lands after installing (the history page).</summary>
    [Required]
    public string? FrontendUrl { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        Limits.CheckShortText(ClientId, "client_id", errors, required: true);
        Limits.CheckShortText(ClientSecret, "client_secret", errors, required: true);
        Limits.CheckShortText(Scopes, "scopes", errors, required: true);
        foreach (var (field, value) in new[] { ("redirect_url", RedirectUrl), ("frontend_url", FrontendUrl) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add(field, "must be an absolute http(s) URL");
            }
        }
    }
}

/// <summary>A tenant's Shopify app as the API shows it: no secret.</summary>
public sealed record ShopifyAppResponse(string ClientId, string Scopes, string RedirectUrl, string FrontendUrl);

/// <summary>Shopify's rules: shop domains, and the HMAC on its callbacks.</summary>
public static partial class ShopifyRules
{
    /// <summary>True for <c>name.myshopify.com</c>.</summary>
    public static bool IsShopDomain(string? shop) => shop is not null && ShopPattern().IsMatch(shop);

    /// <summary>
    /// Checks the callback's <c>hmac</c>: HMAC-SHA256, hex, of the other query parameters sorted by
    /// name and joined as <c>name=value&amp;...</c>, keyed with the app's secret; compared in constant time.
    /// </summary>
    public static bool HasValidHmac(IEnumerable<KeyValuePair<string, string>> query, string clientSecret)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pairs = query.ToList();
        var presented = pairs.FirstOrDefault(pair => pair.Key == "hmac").Value;
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }
        var message = string.Join('&', pairs.Where(pair => pair.Key is not ("hmac" or "signature"))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"));
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(message)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented.ToLowerInvariant()));
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\.myshopify\.com\z", RegexOptions.CultureInvariant)]
    private static partial Regex ShopPattern();
}
