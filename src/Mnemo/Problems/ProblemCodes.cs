namespace Mnemo.Problems;

/// <summary>The stable <c>code</c> of every problem Mnemo answers with.</summary>
public static class ProblemCodes
{
    /// <summary>400: the body is not JSON.</summary>
    public const string MalformedJson = "malformed_json";
    /// <summary>400: the body names fields Mnemo does not know.</summary>
    public const string UnknownFields = "unknown_fields";
    /// <summary>400: one or more fields are invalid.</summary>
    public const string ValidationFailed = "validation_failed";
    /// <summary>400: a body is required.</summary>
    public const string BodyRequired = "body_required";
    /// <summary>400: a string holds a character the stores cannot keep (NUL, a lone surrogate); <c>errors</c> names the field.</summary>
    public const string InvalidCharacter = "invalid_character";
    /// <summary>400: a JSON number no store can keep (over 100 characters, or an exponent beyond ±1000); <c>errors</c> names the field.</summary>
    public const string InvalidNumber = "invalid_number";
    /// <summary>400: a JSON object names the same field twice; <c>errors</c> names it.</summary>
    public const string DuplicateField = "duplicate_field";
    /// <summary>400: the cursor is not one this list gave out.</summary>
    public const string InvalidCursor = "invalid_cursor";
    /// <summary>403: the endpoint is not open to this caller.</summary>
    public const string Forbidden = "forbidden";
    /// <summary>400: the request is malformed in another way.</summary>
    public const string BadRequest = "bad_request";
    /// <summary>401: no API key was sent.</summary>
    public const string MissingCredentials = "missing_credentials";
    /// <summary>401: the API key is unknown or revoked.</summary>
    public const string InvalidCredentials = "invalid_credentials";
    /// <summary>403: the key lacks the scope the endpoint needs.</summary>
    public const string InsufficientScope = "insufficient_scope";
    /// <summary>403: the key belongs to another tenant.</summary>
    public const string TenantForbidden = "tenant_forbidden";
    /// <summary>403: only a platform key may do this.</summary>
    public const string PlatformKeyRequired = "platform_key_required";
    /// <summary>403: an end-user token asked for another user, or for something it may not do.</summary>
    public const string UserForbidden = "user_forbidden";
    /// <summary>403: the tenant is suspended.</summary>
    public const string TenantSuspended = "tenant_suspended";
    /// <summary>400: a platform key called a tenant endpoint without X-Tenant-ID.</summary>
    public const string TenantRequired = "tenant_required";
    /// <summary>404: no such resource (or route).</summary>
    public const string NotFound = "not_found";
    /// <summary>405: the route exists but not with this method.</summary>
    public const string MethodNotAllowed = "method_not_allowed";
    /// <summary>409: the resource exists already.</summary>
    public const string AlreadyExists = "already_exists";
    /// <summary>409: an external identity derives a user id that another user holds; nothing was merged.</summary>
    public const string IdentityCollision = "identity_collision";
    /// <summary>409: the task is held by another worker, finished, or not pending.</summary>
    public const string TaskConflict = "task_conflict";
    /// <summary>409: another node holds the retention lease.</summary>
    public const string RetentionBusy = "retention_busy";
    /// <summary>412: <c>If-Match</c> names a version that is no longer current.</summary>
    public const string PreconditionFailed = "precondition_failed";
    /// <summary>413: the body is larger than the configured limit.</summary>
    public const string PayloadTooLarge = "payload_too_large";
    /// <summary>429: the key made more requests than its tenant's rate allows.</summary>
    public const string RateLimited = "rate_limited";
    /// <summary>415: the body is not application/json.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";
    /// <summary>504: the request ran longer than <c>Mnemo:Limits:RequestTimeout</c>.</summary>
    public const string RequestTimeout = "request_timeout";
    /// <summary>503: a feature needs server configuration that is missing.</summary>
    public const string NotConfigured = "not_configured";
    /// <summary>503: the store cannot be reached.</summary>
    public const string StoreUnavailable = "store_unavailable";
    /// <summary>503: semantic search was asked for while its model is loading (retry shortly) or failed to load.</summary>
    public const string SemanticUnavailable = "semantic_unavailable";
    /// <summary>400: semantic search was asked for on a server where it is off (<c>Mnemo__Embeddings__Provider=none</c>).</summary>
    public const string SemanticSearchOff = "semantic_search_off";
    /// <summary>428: the write must carry <c>If-Match</c> with the current revision's ETag.</summary>
    public const string PreconditionRequired = "precondition_required";
    /// <summary>409: something the request refers to changed or went away while it ran; read again and retry.</summary>
    public const string ConcurrentChange = "concurrent_change";
    /// <summary>409: the category would become its own ancestor.</summary>
    public const string CategoryCycle = "category_cycle";
    /// <summary>409: the category has children or assignments (delete with <c>?cascade=true</c>).</summary>
    public const string CategoryInUse = "category_in_use";
    /// <summary>404: a category the body names does not exist.</summary>
    public const string CategoryNotFound = "category_not_found";
    /// <summary>404: the entity an assignment names does not exist in the tenant.</summary>
    public const string EntityNotFound = "entity_not_found";
    /// <summary>409: this backend does not do that (tenant placement on SQLite, which is one file on one node).</summary>
    public const string NotSupported = "not_supported";
    /// <summary>409: the database is closed to new tenants.</summary>
    public const string DatabaseClosed = "database_closed";
    /// <summary>409: the tenant is being moved already.</summary>
    public const string MoveInProgress = "move_in_progress";
    /// <summary>400: Mnemo could not connect to the database or migrate it.</summary>
    public const string DatabaseUnreachable = "database_unreachable";
    /// <summary>503: the tenant is moving between databases; its writes resume in a moment (see <c>Retry-After</c>).</summary>
    public const string TenantMoving = "tenant_moving";
    /// <summary>500: a fault of Mnemo's; the log has the details.</summary>
    public const string InternalError = "internal_error";

    /// <summary>Every code above (the OpenAPI document's enumeration).</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. typeof(ProblemCodes).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => (string)field.GetRawConstantValue()!)];
}
