using System.Text.Json.Serialization;
using Mnemo.Access;
using Mnemo.ApiKeys;
using Mnemo.Health;
using Mnemo.Problems;
using Mnemo.Tenants;

namespace Mnemo.Json;

/// <summary>
/// Source-generated JSON for every wire type, shared by the server and the client so that both
/// speak the same snake_case without reflection.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(CreateTenantRequest))]
[JsonSerializable(typeof(UpdateTenantRequest))]
[JsonSerializable(typeof(Tenant))]
[JsonSerializable(typeof(TenantListResponse))]
[JsonSerializable(typeof(TenantSettings))]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(ApiKey))]
[JsonSerializable(typeof(CreatedApiKeyResponse))]
[JsonSerializable(typeof(ApiKeyListResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ProblemResponse))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
public sealed partial class MnemoJsonContext : JsonSerializerContext;
