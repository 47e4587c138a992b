using Confab.Server.Attachments;
using Confab.Server.Conversations;
using Confab.Server.Demo;
using Confab.Server.Events;
using Confab.Server.Identity;
using Confab.Server.Messages;
using Confab.Server.Moderation;
using Confab.Server.Realtime;
using Confab.Server.Receipts;
using Confab.Server.Storage;
using Confab.Server.Tenants;
using Confab.Server.Users;
using Dapper;
using Microsoft.Extensions.Options;

namespace Confab.Server.Hosting;

public static class ServiceRegistration
{
    /// <summary>Options (validated at start-up), the store, and every feature's store, service and view builder.</summary>
    public static IServiceCollection AddConfab(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConfabOptions>().Bind(configuration.GetSection(ConfabOptions.Section))
            .PostConfigure(options => options.ConnectionString = configuration.GetConnectionString("Confab"))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConfabOptions>, ConfabOptionsValidator>();

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IStoreEngine>(sp => CreateEngine(sp.GetRequiredService<IOptions<ConfabOptions>>().Value));
        services.AddSingleton<Database>();
        services.AddSingleton<EventLog>();
        services.AddSingleton<EventNotifier>();
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<PresenceStore>();
        AddClusterLink(services);
        services.AddSingleton<EventStore>();
        services.AddSingleton<UserEventFeed>();
        services.AddSingleton<EventRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<EventRetention>());
        services.AddSingleton<AdminKeyBootstrap>();
        services.AddSingleton(sp => sp.GetRequiredService<AdminKeyBootstrap>().Load());

        services.AddSingleton<CredentialStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<TenantStore>();
        services.AddSingleton<TenantService>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<UserService>();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<MemberStore>();
        services.AddSingleton<ConversationGuard>();
        services.AddSingleton<ConversationViews>();
        services.AddSingleton<ConversationService>();
        services.AddSingleton<MemberService>();
        services.AddSingleton<MessageStore>();
        services.AddSingleton<MessageViews>();
        services.AddSingleton<MessageService>();
        services.AddSingleton<ReactionStore>();
        services.AddSingleton<ReactionService>();
        services.AddSingleton<PinStore>();
        services.AddSingleton<PinService>();
        services.AddSingleton<StarStore>();
        services.AddSingleton<StarService>();
        services.AddSingleton<SearchStore>();
        services.AddSingleton<SearchService>();
        services.AddSingleton<ReportStore>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<ReceiptStore>();
        services.AddSingleton<ReceiptService>();

        services.AddHttpContextAccessor();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<IBlobStore>(sp => new LocalDiskBlobStore(Path.GetFullPath(sp.GetRequiredService<IOptions<ConfabOptions>>().Value.DataDirectory)));
        services.AddSingleton<BlobStorage>();
        services.AddSingleton<ServerSecretStore>();
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton<AvatarStore>();
        services.AddSingleton<AttachmentLinks>();
        services.AddSingleton<AttachmentViews>();
        services.AddSingleton<AttachmentService>();
        services.AddSingleton<FetchAddressPolicy>();
        services.AddSingleton<AvatarFetcher>();
        services.AddSingleton<AvatarService>();
        services.AddSingleton<AttachmentCollector>();
        services.AddHostedService(sp => sp.GetRequiredService<AttachmentCollector>());

        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<SessionRevocations>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<PresenceService>();
        services.AddHostedService<NodeLease>();
        services.AddSingleton<SocketRequests>();
        services.AddSingleton<TypingService>();
        services.AddHostedService(sp => sp.GetRequiredService<TypingService>());
        services.AddHostedService<EventDispatcher>();
        services.AddHostedService<SessionExpiry>();
        return services;
    }

    /// <summary>On PostgreSQL, nodes sharing the database tell each other through NOTIFY; SQLite has one process (both loops then end at once).</summary>
    private static void AddClusterLink(IServiceCollection services)
    {
        services.AddSingleton<PostgresClusterLink>();
        services.AddSingleton<IClusterLink>(sp =>
            sp.GetRequiredService<IOptions<ConfabOptions>>().Value.UsesPostgres ? sp.GetRequiredService<PostgresClusterLink>() : new SingleNode());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresClusterLink>());
        services.AddHostedService<ClusterListener>();
    }

    private static IStoreEngine CreateEngine(ConfabOptions options) =>
        options.UsesPostgres ? new PostgresEngine(options.ConnectionString!) : new SqliteEngine(Path.GetFullPath(options.DataDirectory));

    private sealed class ConfabOptionsValidator : IValidateOptions<ConfabOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConfabOptions options)
        {
            var errors = options.Validate().ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
