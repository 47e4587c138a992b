namespace Confab.Server.Http;

/// <summary>Every machine code a problem response can carry; the OpenAPI description lists them.</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "VALIDATION_FAILED";
    public const string InvalidJson = "INVALID_JSON";
    public const string InvalidParameter = "INVALID_PARAMETER";
    public const string InvalidCursor = "INVALID_CURSOR";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string InternalError = "INTERNAL_ERROR";

    public const string TenantNotFound = "TENANT_NOT_FOUND";
    public const string ApiKeyNotFound = "API_KEY_NOT_FOUND";
    public const string UserNotFound = "USER_NOT_FOUND";
    public const string UsernameTaken = "USERNAME_TAKEN";
    public const string ConversationNotFound = "CONVERSATION_NOT_FOUND";
    public const string PublicUsernameTaken = "PUBLIC_USERNAME_TAKEN";
    public const string NotAMember = "NOT_A_MEMBER";
    public const string MemberNotFound = "MEMBER_NOT_FOUND";
    public const string MissingPermission = "MISSING_PERMISSION";
    public const string RankTooLow = "RANK_TOO_LOW";
    public const string OwnerOnly = "OWNER_ONLY";
    public const string DirectConversation = "DIRECT_CONVERSATION";
    public const string UserBanned = "USER_BANNED";
    public const string ReadOnly = "READ_ONLY";
    public const string MemberMuted = "MEMBER_MUTED";
    public const string MessageNotFound = "MESSAGE_NOT_FOUND";
    public const string MessageDeleted = "MESSAGE_DELETED";
    public const string NotMessageSender = "NOT_MESSAGE_SENDER";
    public const string EditWindowPassed = "EDIT_WINDOW_PASSED";
    public const string DeleteWindowPassed = "DELETE_WINDOW_PASSED";
    public const string AttachmentNotFound = "ATTACHMENT_NOT_FOUND";
    public const string AttachmentNotYours = "ATTACHMENT_NOT_YOURS";
    public const string InvalidMultipart = "INVALID_MULTIPART";
    public const string InvalidSignature = "INVALID_SIGNATURE";
    public const string LinkExpired = "LINK_EXPIRED";
    public const string AvatarUnavailable = "AVATAR_UNAVAILABLE";
    public const string InvalidMention = "INVALID_MENTION";
    public const string InvalidReply = "INVALID_REPLY";
    public const string InvalidEmoji = "INVALID_EMOJI";
    public const string ReactionLimit = "REACTION_LIMIT";
    public const string ReportNotFound = "REPORT_NOT_FOUND";
    public const string ReportResolved = "REPORT_RESOLVED";
    public const string RateLimited = "RATE_LIMITED";
    public const string ResyncRequired = "RESYNC_REQUIRED";
    public const string ResumeGap = "RESUME_GAP";
    public const string WebSocketRequired = "WEBSOCKET_REQUIRED";
    public const string InvalidFrame = "INVALID_FRAME";
    public const string UnknownType = "UNKNOWN_TYPE";
    public const string AlreadyAuthenticated = "ALREADY_AUTHENTICATED";
    public const string AuthenticationTimeout = "AUTHENTICATION_TIMEOUT";

    public static string ForStatus(int status) => status switch
    {
        400 => ValidationFailed,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        410 => ResyncRequired,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        _ when status >= 500 => InternalError,
        _ => $"HTTP_{status}",
    };
}
