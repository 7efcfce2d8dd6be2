using System.Text.Json.Serialization;
using Mnemo.Access;
using Mnemo.ApiKeys;
using Mnemo.Health;
using Mnemo.OAuth;
using Mnemo.Placement;
using Mnemo.Problems;
using Mnemo.Retention;
using Mnemo.Sessions;
using Mnemo.Systems;
using Mnemo.Campaigns;
using Mnemo.Categories;
using Mnemo.Conversations;
using Mnemo.Erasure;
using Mnemo.Events;
using Mnemo.Extensions;
using Mnemo.Insights;
using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Tasks;
using Mnemo.Tenants;
using Mnemo.Users;

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
[JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, double>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(ResolveUserRequest))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(ResolveUserResponse))]
[JsonSerializable(typeof(UserListResponse))]
[JsonSerializable(typeof(UserProfile))]
[JsonSerializable(typeof(AppendMessagesRequest))]
[JsonSerializable(typeof(ImportLine))]
[JsonSerializable(typeof(EditMessageRequest))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(MessageListResponse))]
[JsonSerializable(typeof(DeletedResponse))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(Recall.SearchStatusResponse))]
[JsonSerializable(typeof(Recall.ReindexResponse))]
[JsonSerializable(typeof(CreateConversationRequest))]
[JsonSerializable(typeof(UpdateConversationRequest))]
[JsonSerializable(typeof(Conversation))]
[JsonSerializable(typeof(ConversationDetail))]
[JsonSerializable(typeof(ConversationListResponse))]
[JsonSerializable(typeof(CreateEventRequest))]
[JsonSerializable(typeof(UserEvent))]
[JsonSerializable(typeof(EventListResponse))]
[JsonSerializable(typeof(ErasureResponse))]
[JsonSerializable(typeof(MemoryProfile))]
[JsonSerializable(typeof(UpdateProfileRequest))]
[JsonSerializable(typeof(AppendMemoryEventsRequest))]
[JsonSerializable(typeof(MemoryEventsResponse))]
[JsonSerializable(typeof(MemoryEventCountResponse))]
[JsonSerializable(typeof(CompressMemoryRequest))]
[JsonSerializable(typeof(CompressMemoryResponse))]
[JsonSerializable(typeof(AssembledContext))]
[JsonSerializable(typeof(CreateInsightRequest))]
[JsonSerializable(typeof(Insight))]
[JsonSerializable(typeof(InsightListResponse))]
[JsonSerializable(typeof(IReadOnlyList<Insight>))]
[JsonSerializable(typeof(TopicListResponse))]
[JsonSerializable(typeof(QueuedTask))]
[JsonSerializable(typeof(TokenPair))]
[JsonSerializable(typeof(ShopifyAppRequest))]
[JsonSerializable(typeof(ShopifyAppResponse))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(Campaign))]
[JsonSerializable(typeof(CreateCampaignRequest))]
[JsonSerializable(typeof(UpdateCampaignRequest))]
[JsonSerializable(typeof(CampaignListResponse))]
[JsonSerializable(typeof(Category))]
[JsonSerializable(typeof(CategoryListResponse))]
[JsonSerializable(typeof(CreateCategoryRequest))]
[JsonSerializable(typeof(ReplaceCategoryRequest))]
[JsonSerializable(typeof(Factor))]
[JsonSerializable(typeof(FactorListResponse))]
[JsonSerializable(typeof(CreateFactorRequest))]
[JsonSerializable(typeof(ReplaceFactorRequest))]
[JsonSerializable(typeof(EntityAssignment))]
[JsonSerializable(typeof(EntityAssignmentListResponse))]
[JsonSerializable(typeof(CreateEntityAssignmentRequest))]
[JsonSerializable(typeof(ManagementSystem))]
[JsonSerializable(typeof(SystemListResponse))]
[JsonSerializable(typeof(CreateSystemRequest))]
[JsonSerializable(typeof(ReplaceSystemRequest))]
[JsonSerializable(typeof(SystemVersion))]
[JsonSerializable(typeof(SystemVersionListResponse))]
[JsonSerializable(typeof(CreateSystemVersionRequest))]
[JsonSerializable(typeof(TenantSystem))]
[JsonSerializable(typeof(TenantSystemListResponse))]
[JsonSerializable(typeof(AssignSystemRequest))]
[JsonSerializable(typeof(SystemConfigRequest))]
[JsonSerializable(typeof(SystemConfigResponse))]
[JsonSerializable(typeof(TenantConfigResponse))]
[JsonSerializable(typeof(ConfigRevisionListResponse))]
[JsonSerializable(typeof(UserExtension))]
[JsonSerializable(typeof(ExtensionListResponse))]
[JsonSerializable(typeof(CreateExtensionRequest))]
[JsonSerializable(typeof(UpdateExtensionRequest))]
[JsonSerializable(typeof(RecordMetricsRequest))]
[JsonSerializable(typeof(RecordedMetricsResponse))]
[JsonSerializable(typeof(MetricsResponse))]
[JsonSerializable(typeof(SetExtensionFactorsRequest))]
[JsonSerializable(typeof(ExtensionFactorsResponse))]
[JsonSerializable(typeof(ExportedExtension))]
[JsonSerializable(typeof(MetricPoint))]
[JsonSerializable(typeof(Participant))]
[JsonSerializable(typeof(SystemContext))]
[JsonSerializable(typeof(MigrationResult))]
[JsonSerializable(typeof(SystemContextRequest))]
[JsonSerializable(typeof(CampaignContextRequest))]
[JsonSerializable(typeof(UpdateUserContextRequest))]
[JsonSerializable(typeof(MigrateUserRequest))]
[JsonSerializable(typeof(SetParticipantTtlRequest))]
[JsonSerializable(typeof(UserContextResponse))]
[JsonSerializable(typeof(ParticipantListResponse))]
[JsonSerializable(typeof(SystemContextListResponse))]
[JsonSerializable(typeof(IReadOnlyList<Participant>))]
[JsonSerializable(typeof(RetentionCounts))]
[JsonSerializable(typeof(CreateTaskRequest))]
[JsonSerializable(typeof(UpdateTaskRequest))]
[JsonSerializable(typeof(ClaimTaskRequest))]
[JsonSerializable(typeof(ClaimNextTasksRequest))]
[JsonSerializable(typeof(TaskHolderRequest))]
[JsonSerializable(typeof(TaskListResponse))]
[JsonSerializable(typeof(SummarizeRequest))]
[JsonSerializable(typeof(SummarizeResult))]
[JsonSerializable(typeof(ErasureListResponse))]
[JsonSerializable(typeof(ReapplyErasuresResponse))]
[JsonSerializable(typeof(RegisterDatabaseRequest))]
[JsonSerializable(typeof(UpdateDatabaseRequest))]
[JsonSerializable(typeof(DatabaseInfo))]
[JsonSerializable(typeof(DatabaseListResponse))]
[JsonSerializable(typeof(TenantDatabaseResponse))]
[JsonSerializable(typeof(MoveTenantRequest))]
[JsonSerializable(typeof(MoveTenantResponse))]
public sealed partial class MnemoJsonContext : JsonSerializerContext;
