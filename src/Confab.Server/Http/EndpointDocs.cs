namespace Confab.Server.Http;

/// <summary>OpenAPI annotations shared by every endpoint group.</summary>
public static class EndpointDocs
{
    /// <summary>Declares the problem responses an endpoint can give (401 and 400 come with every authenticated route).</summary>
    public static RouteHandlerBuilder Fails(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses.Prepend(401).Prepend(400).Distinct())
            builder.Produces<Problem>(status, ProblemWriter.ContentType);
        return builder;
    }
}
