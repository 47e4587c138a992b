using Confab.Contracts;
using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Tenants;

public sealed record TenantRequest(string? Name);

/// <summary>The operator's admin API (<c>/admin/v1</c>) and a tenant backend's settings (<c>/server/v1/settings</c>).</summary>
public static class TenantEndpoints
{
    public static void MapTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1/tenants").WithTags("Admin").WithMetadata(new CredentialRequirement(CredentialKind.Admin));

        admin.MapPost("", async (TenantRequest body, TenantService tenants) =>
            {
                var created = await tenants.CreateAsync(ValidName(body));
                return TypedResults.Created($"/admin/v1/tenants/{created.Id}", created);
            })
            .WithSummary("Create a tenant; its first API key is shown once").Fails();

        admin.MapGet("", (string? cursor, int? limit, TenantService tenants) => tenants.ListAsync(cursor, Paging.Limit(limit)))
            .WithSummary("List tenants").Fails();

        admin.MapGet("/{tenantId}", (string tenantId, TenantService tenants) => tenants.GetAsync(tenantId))
            .WithSummary("Read a tenant").Fails(404);

        admin.MapPatch("/{tenantId}", (string tenantId, TenantRequest body, TenantService tenants) => tenants.RenameAsync(tenantId, ValidName(body)))
            .WithSummary("Rename a tenant").Fails(404);

        admin.MapDelete("/{tenantId}", async (string tenantId, TenantService tenants) =>
            {
                await tenants.DeleteAsync(tenantId);
                return TypedResults.NoContent();
            })
            .WithSummary("Delete a tenant with all its data").Fails(404);

        admin.MapPost("/{tenantId}/api-keys", async (string tenantId, TenantService tenants) =>
            {
                var created = await tenants.CreateApiKeyAsync(tenantId);
                return TypedResults.Created($"/admin/v1/tenants/{tenantId}/api-keys/{created.Id}", created);
            })
            .WithSummary("Issue another API key; shown once").Fails(404);

        admin.MapDelete("/{tenantId}/api-keys/{keyId}", async (string tenantId, string keyId, TenantService tenants) =>
            {
                await tenants.RevokeApiKeyAsync(tenantId, keyId);
                return TypedResults.NoContent();
            })
            .WithSummary("Revoke an API key").Fails(404);

        var settings = app.MapGroup("/server/v1/settings").WithTags("Server").WithMetadata(new CredentialRequirement(CredentialKind.TenantBackend));

        settings.MapGet("", (TenantCaller caller, TenantService tenants) => tenants.GetSettingsAsync(caller.TenantId))
            .WithSummary("Read the tenant's settings").Fails();

        settings.MapPatch("", (TenantCaller caller, SettingsPatch body, TenantService tenants) => tenants.UpdateSettingsAsync(caller.TenantId, body))
            .WithSummary("Change some of the tenant's settings; takes effect at once").Fails();
    }

    private static string ValidName(TenantRequest body) => Check.Required(body.Name, "name", 200).Trim();
}
