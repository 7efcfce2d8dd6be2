using System.Globalization;
using Mnemo.Storage.Configuration;
using Mnemo.Tenants;

namespace Mnemo.Server.Hosting;

/// <summary>Everything read from configuration at start-up, validated in one go.</summary>
public sealed record ServerSettings(MnemoOptions Options, ResolvedStorage Storage, TenantSettingsDefaults TenantDefaults, byte[]? EncryptionKey = null)
{
    /// <summary>Reads and validates the configuration; throws <see cref="MnemoConfigurationException"/> listing every problem.</summary>
    public static ServerSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new MnemoOptions();
        try
        {
            configuration.GetSection(MnemoOptions.Section).Bind(options);
        }
        catch (InvalidOperationException exception)
        {
            throw new MnemoConfigurationException(exception.Message);
        }

        var failures = new List<string>();
        var result = new MnemoOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (result.Failed)
        {
            failures.AddRange(result.Failures);
        }

        ResolvedStorage? storage = null;
        try
        {
            storage = StorageResolver.Resolve(options.Storage, key => configuration[key]);
        }
        catch (StorageConfigurationException exception)
        {
            failures.Add(exception.Message);
        }

        var defaults = new TenantSettingsDefaults();
        if (configuration["CAMPAIGN_USERS_TTL_DAYS"] is { Length: > 0 } ttl)
        {
            if (int.TryParse(ttl, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 3650)
            {
                defaults = defaults with { CampaignTtlDays = days };
            }
            else
            {
                failures.Add($"CAMPAIGN_USERS_TTL_DAYS must be a whole number of days between 1 and 3650, not '{ttl}'.");
            }
        }

        byte[]? encryptionKey = null;
        if (options.EncryptionKey is { Length: > 0 } keyText)
        {
            try
            {
                encryptionKey = Convert.FromBase64String(keyText);
            }
            catch (FormatException)
            {
            }
            if (encryptionKey is not { Length: 32 })
            {
                failures.Add("Mnemo:EncryptionKey must be 32 bytes in base64 (openssl rand -base64 32).");
            }
        }

        if (failures.Count > 0)
        {
            throw new MnemoConfigurationException(string.Join(" ", failures));
        }
        return new ServerSettings(options, storage!, defaults, encryptionKey);
    }
}

/// <summary>The configuration cannot be used; the message lists every problem on one line.</summary>
public sealed class MnemoConfigurationException(string message) : Exception(message);
