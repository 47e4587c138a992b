using Confab.Tests.Infrastructure;

namespace Confab.Tests.Http;

/// <summary>Names the endpoint groups of the bad-input table that one test class covers.</summary>
public interface IBadInputGroups
{
    static abstract string[] Groups { get; }
}

/// <summary>
/// The bad-input table (<see cref="BadInputTable"/>) run against the endpoint groups <typeparamref name="TGroups"/>
/// names. Each subclass gets a server of its own, so the groups run in parallel.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "xUnit reads theory data from static members of the test class.")]
public abstract class BadInputTests<TGroups>(ConfabServer server) where TGroups : IBadInputGroups
{
    public static TheoryData<string, string> Cases => BadInputTable.Rows(TGroups.Groups);

    public static TheoryData<string> Endpoints => BadInputTable.EndpointRows(TGroups.Groups);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_a_4xx_problem_and_changes_nothing(string endpoint, string @case)
    {
        var target = BadInputTable.Endpoint(endpoint);
        var bad = BadInputTable.Case(endpoint, @case);
        var world = await BadInputWorld.CreateAsync(server);
        var position = await server.LastPositionAsync(world.Tenant.Id);
        var before = await world.SnapshotAsync();

        using var response = await world.SendAsync(target, bad);

        await BadInputWorld.ExpectProblemAsync(response, bad);
        Assert.Equal(position, await server.LastPositionAsync(world.Tenant.Id));
        BadInputWorld.AssertUnchanged(before, await world.SnapshotAsync());
    }

    /// <summary>The control: each endpoint's valid body is accepted and does change something, so the bad cases above are one defect away from a working request.</summary>
    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task The_valid_body_the_bad_cases_start_from_is_accepted_and_changes_state(string endpoint)
    {
        var target = BadInputTable.Endpoint(endpoint);
        var world = await BadInputWorld.CreateAsync(server);
        var before = await world.SnapshotAsync();

        using var response = await world.SendAsync(target, new BadInputCase("valid", target.ValidBody, [200, 201]));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{endpoint} refused its valid body with {(int)response.StatusCode}: {text}");
        Assert.NotEqual(before, await world.SnapshotAsync());
    }
}
