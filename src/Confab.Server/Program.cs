using Confab.Server.Attachments;
using Confab.Server.Conversations;
using Confab.Server.Demo;
using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Messages;
using Confab.Server.Moderation;
using Confab.Server.Realtime;
using Confab.Server.Receipts;
using Confab.Server.Storage;
using Confab.Server.Tenants;
using Confab.Server.Users;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:5080");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 1024 * 1024);

builder.Services.AddConfab(builder.Configuration);
builder.Services.AddConfabOpenApi();
builder.Services.ConfigureHttpJsonOptions(json => JsonDefaults.Configure(json.SerializerOptions));
builder.Services.AddOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>().Configure<IHttpContextAccessor, AttachmentLinks, PublicUrls>(
    (json, http, links, urls) => json.SerializerOptions.Converters.Add(new AttachmentJsonConverter(http, links, urls)));
builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);

var app = builder.Build();
if (!await StoreStartup.MigrateAsync(app.Services))
{
    await app.DisposeAsync(); // flushes the log line that says why
    return 1;
}
await app.Services.GetRequiredService<AttachmentLinks>().LoadKeyAsync();
app.Services.GetRequiredService<AdminKey>();
var demo = app.Services.GetRequiredService<IOptions<ConfabOptions>>().Value.Demo;
if (demo) await app.Services.GetRequiredService<DemoSeeder>().SeedAsync();

app.UseMiddleware<ProblemMiddleware>();
app.UseMiddleware<SocketUpgrade>();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20), KeepAliveTimeout = TimeSpan.FromSeconds(20) });
app.UseMiddleware<Utf8JsonMiddleware>();
if (demo)
{
    app.UseDefaultFiles();
    app.UseStaticFiles();
}
app.UseRouting();
app.UseMiddleware<CredentialsMiddleware>();
app.UseMiddleware<RequestRateLimitMiddleware>();

app.MapOpenApi("/openapi/{documentName}.json");
// In a branch: Swagger UI's middleware otherwise awaits every request, and a socket would hold its frame for life.
app.UseWhen(context => context.Request.Path.StartsWithSegments("/docs"), docs => docs.UseSwaggerUI(ui =>
{
    ui.RoutePrefix = "docs";
    ui.SwaggerEndpoint("/openapi/v1.json", "Confab v1");
}));
app.MapHealthEndpoints();
if (demo) app.MapDemoEndpoints();
app.MapTenantEndpoints();

var server = app.MapGroup("/server/v1").WithTags("Server").WithMetadata(new CredentialRequirement(CredentialKind.TenantBackend));
var client = app.MapGroup("/v1").WithTags("Client").WithMetadata(new CredentialRequirement(CredentialKind.User));
server.MapSessionEndpoints();
server.MapUserEndpoints(client);
client.MapConversationEndpoints();
client.MapMessageEndpoints(server);
client.MapMessageMarkEndpoints();
client.MapSearchEndpoints();
client.MapReportEndpoints(server);
client.MapReceiptEndpoints();
client.MapEventEndpoints();
client.MapAttachmentEndpoints(app);
app.MapSocketEndpoint();

await app.RunAsync();
return 0;

/// <summary>Named so integration tests can boot the real server.</summary>
public partial class Program;
