using System.Globalization;
using System.Text;

namespace Confab.Tests.Http;

/// <summary>Who sends a request of the bad-input table.</summary>
public enum BadInputCaller { Admin, Backend, Alice }

/// <summary>
/// An endpoint that takes a JSON body. URLs and bodies may name the objects of a <see cref="BadInputWorld"/>
/// with <c>$tenant</c>, <c>$group</c>, <c>$target</c>, <c>$m1</c> (Alice's message in the group) and <c>$m2</c> (Bob's).
/// </summary>
/// <param name="ValidBody">A body the endpoint accepts (and acts on): each bad case is a small step away from it.</param>
/// <param name="DuplicateProperty">A property of <paramref name="ValidBody"/>, with another value, to send twice.</param>
/// <param name="WithString">The body with one string field set to a JSON literal (for over-long, wrongly typed and badly encoded strings).</param>
/// <param name="StringStatuses">What a bad value in that string field may give: 400, or 404 when the field names an object.</param>
/// <param name="BodyOptional">True when no body (or <c>null</c>) is a valid request.</param>
public sealed record BadInputEndpoint(
    string Key,
    string Area,
    string Method,
    string Url,
    BadInputCaller Caller,
    string ValidBody,
    string DuplicateProperty,
    Func<string, string> WithString,
    int[] StringStatuses,
    bool BodyOptional = false);

/// <summary>One bad request to one endpoint, and the statuses it may get (always a problem response).</summary>
public sealed record BadInputCase(string Name, string Body, int[] Statuses, string? Url = null, string ContentType = "application/json", bool Utf8Bytes = false);

/// <summary>
/// The table of the bad-input tests: every endpoint that takes input, crossed with generic defects
/// (malformed JSON, wrong top-level type, duplicate keys, wrong content type, oversized body,
/// over-long or badly encoded strings) and with the defects particular to its fields.
/// </summary>
public static class BadInputTable
{
    private static readonly int[] Status400 = [400];
    private static readonly int[] Status404 = [404];
    private static readonly int[] Status400Or404 = [400, 404];

    public static readonly IReadOnlyList<BadInputEndpoint> Endpoints =
    [
        new("admin.tenants.create", "admin", "POST", "/admin/v1/tenants", BadInputCaller.Admin,
            """{"name":"Valid tenant"}""", "\"name\":\"Other\"", s => $$"""{"name":{{s}}}""", Status400),
        new("admin.tenants.rename", "admin", "PATCH", "/admin/v1/tenants/$tenant", BadInputCaller.Admin,
            """{"name":"Renamed tenant"}""", "\"name\":\"Other\"", s => $$"""{"name":{{s}}}""", Status400),
        new("server.users.upsert", "server", "PUT", "/server/v1/users/bob", BadInputCaller.Backend,
            """{"name":"Bobby","role":"admin"}""", "\"name\":\"Other\"", s => $$"""{"name":{{s}}}""", Status400),
        new("server.sessions.create", "server", "POST", "/server/v1/sessions", BadInputCaller.Backend,
            """{"userId":"alice","ttlSeconds":3600}""", "\"userId\":\"bob\"", s => $$"""{"userId":{{s}}}""", Status400),
        new("server.settings.update", "server", "PATCH", "/server/v1/settings", BadInputCaller.Backend,
            """{"deleteWindowSeconds":60,"maxMessageLength":500}""", "\"deleteWindowSeconds\":120", s => $$"""{"allowedUploadTypes":[{{s}}]}""", Status400),
        new("server.messages.post", "server", "POST", "/server/v1/conversations/$group/messages", BadInputCaller.Backend,
            """{"text":"System notice"}""", "\"text\":\"Other\"", s => $$"""{"text":{{s}}}""", Status400),
        new("client.users.update", "users", "PATCH", "/v1/users/alice", BadInputCaller.Alice,
            """{"name":"Alice Renamed","statusText":"Busy"}""", "\"name\":\"Other\"", s => $$"""{"name":{{s}}}""", Status400),
        new("client.conversations.create", "conversations", "POST", "/v1/conversations", BadInputCaller.Alice,
            """{"type":"group","participantIds":["bob"],"title":"New group"}""", "\"type\":\"channel\"",
            s => $$"""{"type":"group","participantIds":["bob"],"title":{{s}}}""", Status400),
        new("client.conversations.update", "conversations", "PATCH", "/v1/conversations/$group", BadInputCaller.Alice,
            """{"title":"Renamed group","pinned":true}""", "\"title\":\"Other\"", s => $$"""{"title":{{s}}}""", Status400),
        new("client.conversations.avatar", "conversations", "PATCH", "/v1/conversations/$group/avatar", BadInputCaller.Alice,
            """{"avatarUrl":"https://cdn.example.com/g.png"}""", "\"avatarUrl\":\"https://cdn.example.com/other.png\"", s => $$"""{"avatarUrl":{{s}}}""", Status400),
        new("client.members.add", "members", "POST", "/v1/conversations/$group/members", BadInputCaller.Alice,
            """{"userIds":["dave"]}""", "\"userIds\":[\"carol\"]", s => $$"""{"userIds":[{{s}}]}""", Status400),
        new("client.members.update", "members", "PATCH", "/v1/conversations/$group/members/bob", BadInputCaller.Alice,
            """{"role":"moderator","title":"Helper"}""", "\"role\":\"admin\"", s => $$"""{"title":{{s}}}""", Status400),
        new("client.messages.post", "messages", "POST", "/v1/conversations/$group/messages", BadInputCaller.Alice,
            """{"text":"Hello again","clientMessageId":"c-1"}""", "\"text\":\"Other\"", s => $$"""{"text":{{s}}}""", Status400),
        new("client.messages.edit", "messages", "PATCH", "/v1/conversations/$group/messages/$m1", BadInputCaller.Alice,
            """{"text":"Edited text"}""", "\"text\":\"Other\"", s => $$"""{"text":{{s}}}""", Status400),
        new("client.messages.forward", "messages", "POST", "/v1/conversations/$group/messages/$m1/forward", BadInputCaller.Alice,
            """{"targetConversationId":"$target","comment":"FYI"}""", "\"targetConversationId\":\"$group\"",
            s => $$"""{"targetConversationId":"$target","comment":{{s}}}""", Status400),
        new("client.reactions.add", "messages", "POST", "/v1/conversations/$group/messages/$m2/reactions", BadInputCaller.Alice,
            """{"emoji":"👍"}""", "\"emoji\":\"🎉\"", s => $$"""{"emoji":{{s}}}""", Status400),
        new("client.messages.report", "messages", "POST", "/v1/conversations/$group/messages/$m2/report", BadInputCaller.Alice,
            """{"reason":"spam"}""", "\"reason\":\"abuse\"", s => $$"""{"reason":{{s}}}""", Status400),
        new("client.read", "receipts", "POST", "/v1/conversations/$group/read", BadInputCaller.Alice,
            """{"upToMessageId":"$m2"}""", "\"upToMessageId\":\"$m1\"", s => $$"""{"upToMessageId":{{s}}}""", Status400Or404, BodyOptional: true),
        new("client.delivered", "receipts", "POST", "/v1/conversations/$group/delivered", BadInputCaller.Alice,
            """{"upToMessageId":"$m2"}""", "\"upToMessageId\":\"$m1\"", s => $$"""{"upToMessageId":{{s}}}""", Status400Or404, BodyOptional: true),
    ];

    public static BadInputEndpoint Endpoint(string key) => Endpoints.Single(e => e.Key == key);

    public static BadInputCase Case(string endpoint, string name) => CasesOf(Endpoint(endpoint)).Single(c => c.Name == name);

    /// <summary>Theory rows (endpoint key, case name) for the endpoints of the given areas.</summary>
    public static TheoryData<string, string> Rows(params string[] areas)
    {
        var rows = new TheoryData<string, string>();
        foreach (var endpoint in Endpoints.Where(e => areas.Contains(e.Area)))
        {
            foreach (var @case in CasesOf(endpoint))
                rows.Add(endpoint.Key, @case.Name);
        }
        return rows;
    }

    /// <summary>Theory rows (endpoint key) for the endpoints of the given areas.</summary>
    public static TheoryData<string> EndpointRows(params string[] areas)
    {
        var rows = new TheoryData<string>();
        foreach (var endpoint in Endpoints.Where(e => areas.Contains(e.Area)))
            rows.Add(endpoint.Key);
        return rows;
    }

    public static IEnumerable<BadInputCase> CasesOf(BadInputEndpoint e)
    {
        var cases = Generic(e).Concat(Specific(e.Key)).ToList();
        var duplicates = cases.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0) throw new InvalidOperationException($"{e.Key} has duplicate case names: {string.Join(", ", duplicates)}");
        return cases;
    }

    private static IEnumerable<BadInputCase> Generic(BadInputEndpoint e)
    {
        var valid = e.ValidBody;
        yield return new("malformed JSON (truncated)", valid[..(valid.Length / 2)], Status400);
        yield return new("not JSON at all", "this is not json", Status400);
        yield return new("trailing comma", valid[..^1] + ",}", Status400);
        yield return new("single-quoted JSON", valid.Replace('"', '\''), Status400);
        yield return new("JSON with a comment", "/* note */" + valid, Status400);
        yield return new("two JSON documents", valid + valid, Status400);
        yield return new("JSON array instead of object", "[" + valid + "]", Status400);
        yield return new("empty JSON array", "[]", Status400);
        yield return new("JSON string instead of object", "\"hello\"", Status400);
        yield return new("JSON number instead of object", "42", Status400);
        yield return new("JSON true instead of object", "true", Status400);
        if (!e.BodyOptional)
        {
            yield return new("JSON null instead of object", "null", Status400);
            yield return new("empty body", "", Status400);
        }
        yield return new("duplicate key", "{" + e.DuplicateProperty + "," + valid[1..], Status400);
        yield return new("text/plain content type", valid, [415], ContentType: "text/plain");
        yield return new("form content type", valid, [415], ContentType: "application/x-www-form-urlencoded");
        yield return new("XML content type", "<name>x</name>", [415], ContentType: "application/xml");
        yield return new("JSON content type with an unknown charset", valid, [400, 415], ContentType: "application/json; charset=klingon");
        yield return new("body over 1 MiB", e.WithString(Quoted(new string('x', 1_100_000))), [413]);
        yield return new("string of 100000 characters", e.WithString(Quoted(new string('x', 100_000))), e.StringStatuses);
        yield return new("number where a string is expected", e.WithString("12345"), Status400);
        yield return new("object where a string is expected", e.WithString("{\"a\":1}"), Status400);
        yield return new("array where a string is expected", e.WithString("[\"a\"]"), Status400);
        yield return new("lone surrogate escape in a string", e.WithString("\"a\\ud800b\""), e.StringStatuses);
        yield return new("invalid UTF-8 in a string", e.WithString("\"a\u00ff\u00feb\""), e.StringStatuses, Utf8Bytes: true);
    }

    private static IEnumerable<BadInputCase> Specific(string key)
    {
        var long100k = Quoted(new string('x', 100_000));
        var deep = new string('[', 1000) + new string(']', 1000);
        var deepObject = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);
        var bigMetadata = "{" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"key{i}\":\"{new string('v', 20)}\"")) + "}";
        var manyIds = "[" + string.Join(",", Enumerable.Range(0, 501).Select(i => $"\"user{i}\"")) + "]";

        BadInputCase Bad(string name, string body, params int[] statuses) => new(name, body, statuses.Length == 0 ? Status400 : statuses);
        BadInputCase BadUrl(string name, string url, string body, params int[] statuses) => new(name, body, statuses, Url: url);

        switch (key)
        {
            case "admin.tenants.create":
            case "admin.tenants.rename":
                yield return Bad("missing name", "{}");
                yield return Bad("null name", """{"name":null}""");
                yield return Bad("blank name", """{"name":"   "}""");
                yield return Bad("name of 201 characters", $$"""{"name":"{{new string('n', 201)}}"}""");
                if (key == "admin.tenants.rename")
                {
                    yield return BadUrl("unknown tenant id", "/admin/v1/tenants/01ARZ3NDEKTSV4RRFFQ69G5FAV", """{"name":"X"}""", 404);
                    yield return BadUrl("malformed tenant id", "/admin/v1/tenants/not%20an%20id", """{"name":"X"}""", 400, 404);
                }
                break;

            case "server.users.upsert":
                yield return Bad("missing name", """{"role":"user"}""");
                yield return Bad("null name", """{"name":null}""");
                yield return Bad("unknown role", """{"name":"B","role":"superuser"}""");
                yield return Bad("role in another case", """{"name":"B","role":"ADMIN"}""");
                yield return Bad("numeric role", """{"name":"B","role":1}""");
                yield return Bad("username with a space", """{"name":"B","username":"has space"}""");
                yield return Bad("username of 100000 characters", $$"""{"name":"B","username":{{long100k}}}""");
                yield return Bad("numeric username", """{"name":"B","username":7}""");
                yield return Bad("email without @", """{"name":"B","email":"not-an-email"}""");
                yield return Bad("email of 100000 characters", $$"""{"name":"B","email":{{long100k}}}""");
                yield return Bad("javascript avatarUrl", """{"name":"B","avatarUrl":"javascript:alert(1)"}""");
                yield return Bad("relative avatarUrl", """{"name":"B","avatarUrl":"/a.png"}""");
                yield return Bad("avatarUrl of 100000 characters", $$"""{"name":"B","avatarUrl":{{long100k}}}""");
                yield return Bad("avatar as a string", """{"name":"B","avatar":"https://cdn.example.com/a.png"}""");
                yield return Bad("avatar with a numeric url", """{"name":"B","avatar":{"url":5}}""");
                yield return Bad("avatar with bad base64", """{"name":"B","avatar":{"base64":"%%%not-base64%%%"}}""");
                yield return Bad("metadata as a string", """{"name":"B","metadata":"x"}""");
                yield return Bad("metadata as an array", """{"name":"B","metadata":[1,2]}""");
                yield return Bad("metadata over 16 KiB", $$"""{"name":"B","metadata":{{bigMetadata}}}""");
                yield return Bad("metadata nested 1000 deep", "{\"name\":\"B\",\"metadata\":{\"a\":" + deep + "}}");
                yield return Bad("metadata nested 200 objects deep", $$"""{"name":"B","metadata":{{deepObject}}}""");
                yield return Bad("metadata with a duplicate key", """{"name":"B","metadata":{"a":1,"a":2}}""");
                yield return BadUrl("user id with a space", "/server/v1/users/bad%20id", """{"name":"B"}""", 400);
                yield return BadUrl("user id of 129 characters", "/server/v1/users/" + new string('u', 129), """{"name":"B"}""", 400);
                yield return BadUrl("user id with a non-ASCII letter", "/server/v1/users/%C3%A9mile", """{"name":"B"}""", 400);
                yield return BadUrl("user id with a pipe", "/server/v1/users/auth0%7C123", """{"name":"B"}""", 400);
                break;

            case "server.sessions.create":
                yield return Bad("missing userId", "{}");
                yield return Bad("null userId", """{"userId":null}""");
                yield return Bad("empty userId", """{"userId":""}""");
                yield return Bad("userId with a space", """{"userId":"bad id"}""");
                yield return Bad("unknown userId", """{"userId":"nobody"}""", 404);
                yield return Bad("ttlSeconds as a string", """{"userId":"alice","ttlSeconds":"3600"}""");
                yield return Bad("ttlSeconds zero", """{"userId":"alice","ttlSeconds":0}""");
                yield return Bad("ttlSeconds negative", """{"userId":"alice","ttlSeconds":-1}""");
                yield return Bad("ttlSeconds over 30 days", """{"userId":"alice","ttlSeconds":2592001}""");
                yield return Bad("ttlSeconds fractional", """{"userId":"alice","ttlSeconds":1.5}""");
                yield return Bad("ttlSeconds overflowing", """{"userId":"alice","ttlSeconds":1e30}""");
                yield return Bad("ttlSeconds boolean", """{"userId":"alice","ttlSeconds":true}""");
                break;

            case "server.settings.update":
                yield return Bad("negative editWindowSeconds", """{"editWindowSeconds":-1}""");
                yield return Bad("deleteWindowSeconds as a string", """{"deleteWindowSeconds":"1800"}""");
                yield return Bad("zero maxMessageLength", """{"maxMessageLength":0}""");
                yield return Bad("fractional maxMessageLength", """{"maxMessageLength":1.5}""");
                yield return Bad("negative maxUploadBytes", """{"maxUploadBytes":-5}""");
                yield return Bad("overflowing maxUploadBytes", """{"maxUploadBytes":1e30}""");
                yield return Bad("allowedUploadTypes as a string", """{"allowedUploadTypes":"image/*"}""");
                yield return Bad("allowedUploadTypes as an object", """{"allowedUploadTypes":{"0":"image/*"}}""");
                yield return Bad("allowedUploadTypes holding null", """{"allowedUploadTypes":[null]}""");
                yield return Bad("allowedUploadTypes holding a non-type", """{"allowedUploadTypes":["not a type"]}""");
                yield return Bad("encryptionAtRest as a string", """{"encryptionAtRest":"yes"}""");
                yield return Bad("zero eventRetentionDays", """{"eventRetentionDays":0}""");
                yield return Bad("eventRetentionDays of 10000", """{"eventRetentionDays":10000}""");
                yield return Bad("rateLimits as an array", """{"rateLimits":[60,600]}""");
                yield return Bad("negative messagesPerMinutePerUser", """{"rateLimits":{"messagesPerMinutePerUser":-1}}""");
                yield return Bad("requestsPerMinutePerUser as a string", """{"rateLimits":{"requestsPerMinutePerUser":"many"}}""");
                yield return Bad("valid field beside an invalid one", """{"deleteWindowSeconds":60,"editWindowSeconds":-1}""");
                break;

            case "server.messages.post":
                yield return Bad("missing text", "{}");
                yield return Bad("null text", """{"text":null}""");
                yield return Bad("unknown kind", """{"text":"x","kind":"sticker"}""");
                yield return Bad("numeric kind", """{"text":"x","kind":3}""");
                yield return Bad("user kind without a sender", """{"text":"x","kind":"text"}""");
                yield return Bad("senderId with a space", """{"text":"x","senderId":"bad id"}""");
                yield return Bad("numeric senderId", """{"text":"x","senderId":5}""");
                yield return Bad("unknown senderId", """{"text":"x","senderId":"nobody"}""", 400, 404);
                yield return Bad("mentions as a string", """{"text":"x","mentions":"bob"}""");
                yield return Bad("mentions holding a bad id", """{"text":"x","mentions":["bad id"]}""");
                yield return Bad("mentions holding a non-member", """{"text":"x","mentions":["dave"]}""");
                yield return Bad("attachments as a string", """{"text":"x","attachments":"a1"}""");
                yield return Bad("attachments holding a number", """{"text":"x","attachments":[5]}""");
                yield return Bad("attachments naming nothing", """{"text":"x","attachments":["01ARZ3NDEKTSV4RRFFQ69G5FAV"]}""", 400, 404);
                yield return Bad("replyToId naming nothing", """{"text":"x","replyToId":"nope"}""", 400, 404);
                yield return Bad("numeric replyToId", """{"text":"x","replyToId":5}""");
                yield return Bad("clientMessageId of 100000 characters", $$"""{"text":"x","senderId":"alice","clientMessageId":{{long100k}}}""");
                yield return Bad("metadata as an array", """{"text":"x","metadata":[1]}""");
                yield return Bad("metadata nested 1000 deep", "{\"text\":\"x\",\"metadata\":{\"a\":" + deep + "}}");
                yield return BadUrl("unknown conversation", "/server/v1/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/messages", """{"text":"x"}""", 404);
                yield return BadUrl("malformed conversation id", "/server/v1/conversations/not%20an%20id/messages", """{"text":"x"}""", 400, 404);
                break;

            case "client.users.update":
                yield return Bad("null name", """{"name":null}""");
                yield return Bad("blank name", """{"name":"   "}""");
                yield return Bad("username with a space", """{"username":"has space"}""");
                yield return Bad("username of 100000 characters", $$"""{"username":{{long100k}}}""");
                yield return Bad("username as an array", """{"username":["a"]}""");
                yield return Bad("ftp avatarUrl", """{"avatarUrl":"ftp://example.com/a.png"}""");
                yield return Bad("numeric avatarUrl", """{"avatarUrl":5}""");
                yield return Bad("statusText of 100000 characters", $$"""{"statusText":{{long100k}}}""");
                yield return Bad("statusText as an object", """{"statusText":{}}""");
                yield return Bad("avatar as a string", """{"avatar":"a1"}""");
                yield return Bad("avatar with a numeric id", """{"avatar":{"id":5}}""");
                yield return Bad("avatar naming no attachment", """{"avatar":{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}}""", 400, 404);
                yield return Bad("valid name beside an invalid username", """{"name":"Fine","username":"bad name!"}""");
                break;

            case "client.conversations.create":
                yield return Bad("missing type", """{"participantIds":["bob"]}""");
                yield return Bad("null type", """{"type":null,"participantIds":["bob"]}""");
                yield return Bad("unknown type", """{"type":"supergroup","participantIds":["bob"]}""");
                yield return Bad("type in another case", """{"type":"Group","participantIds":["bob"]}""");
                yield return Bad("numeric type", """{"type":1,"participantIds":["bob"]}""");
                yield return Bad("participantIds as a string", """{"type":"group","participantIds":"bob"}""");
                yield return Bad("participantIds as an object", """{"type":"group","participantIds":{"0":"bob"}}""");
                yield return Bad("participantIds holding a number", """{"type":"group","participantIds":[5]}""");
                yield return Bad("participantIds holding null", """{"type":"group","participantIds":[null]}""");
                yield return Bad("participantIds holding a bad id", """{"type":"group","participantIds":["bad id"]}""");
                yield return Bad("participantIds naming an unknown user", """{"type":"group","participantIds":["bob","nobody"]}""", 400, 404);
                yield return Bad("participantIds naming 501 users", $$"""{"type":"group","participantIds":{{manyIds}}}""", 400, 404);
                yield return Bad("description of 100000 characters", $$"""{"type":"group","participantIds":["bob"],"description":{{long100k}}}""");
                yield return Bad("avatarUrl that is no URL", """{"type":"group","participantIds":["bob"],"avatarUrl":"not a url"}""");
                yield return Bad("publicUsername on a group", """{"type":"group","participantIds":["bob"],"publicUsername":"groupie"}""");
                yield return Bad("publicUsername with a space", """{"type":"channel","publicUsername":"a b"}""");
                yield return Bad("publicUsername of 100000 characters", $$"""{"type":"channel","publicUsername":{{long100k}}}""");
                yield return Bad("readOnly as a string", """{"type":"channel","readOnly":"yes"}""");
                yield return Bad("metadata as a string", """{"type":"group","metadata":"x"}""");
                yield return Bad("metadata nested 1000 deep", "{\"type\":\"group\",\"metadata\":{\"a\":" + deep + "}}");
                yield return Bad("direct with two others", """{"type":"direct","participantIds":["bob","carol"]}""");
                yield return Bad("direct with nobody", """{"type":"direct","participantIds":[]}""");
                yield return Bad("direct with oneself", """{"type":"direct","participantIds":["alice"]}""");
                break;

            case "client.conversations.update":
                yield return Bad("description of 100000 characters", $$"""{"description":{{long100k}}}""");
                yield return Bad("readOnly as a string", """{"readOnly":"yes"}""");
                yield return Bad("readOnly as a number", """{"readOnly":1}""");
                yield return Bad("metadata as an array", """{"metadata":[1]}""");
                yield return Bad("metadata as a string", """{"metadata":"x"}""");
                yield return Bad("metadata nested 1000 deep", "{\"metadata\":{\"a\":" + deep + "}}");
                yield return Bad("muted as a string", """{"muted":"no"}""");
                yield return Bad("mutedUntil that is no date", """{"mutedUntil":"tomorrow"}""");
                yield return Bad("mutedUntil as a number", """{"mutedUntil":12345}""");
                yield return Bad("mutedUntil in the past", """{"mutedUntil":"2000-01-01T00:00:00.000Z"}""");
                yield return Bad("pinned as a number", """{"pinned":1}""");
                yield return Bad("archived as a string", """{"archived":"false"}""");
                yield return Bad("valid title beside a past mutedUntil", """{"title":"Should not stick","mutedUntil":"2000-01-01T00:00:00.000Z"}""");
                yield return BadUrl("unknown conversation", "/v1/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV", """{"title":"x"}""", 404);
                yield return BadUrl("malformed conversation id", "/v1/conversations/not%20an%20id", """{"title":"x"}""", 400, 404);
                break;

            case "client.conversations.avatar":
                yield return Bad("avatarUrl that is no URL", """{"avatarUrl":"not a url"}""");
                yield return Bad("javascript avatarUrl", """{"avatarUrl":"javascript:alert(1)"}""");
                yield return Bad("data avatarUrl", """{"avatarUrl":"data:image/png;base64,AAAA"}""");
                yield return Bad("attachment as a string", """{"attachment":"a1"}""");
                yield return Bad("attachment as an array", """{"attachment":[]}""");
                yield return Bad("attachment with a numeric id", """{"attachment":{"id":5}}""");
                yield return Bad("attachment naming nothing", """{"attachment":{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}}""", 400, 404);
                yield return BadUrl("unknown conversation", "/v1/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/avatar", """{"avatarUrl":"https://cdn.example.com/g.png"}""", 404);
                break;

            case "client.members.add":
                yield return Bad("missing userIds", "{}");
                yield return Bad("null userIds", """{"userIds":null}""");
                yield return Bad("empty userIds", """{"userIds":[]}""");
                yield return Bad("userIds as a string", """{"userIds":"dave"}""");
                yield return Bad("userIds as an object", """{"userIds":{"0":"dave"}}""");
                yield return Bad("userIds holding null", """{"userIds":[null]}""");
                yield return Bad("userIds holding a bad id", """{"userIds":["bad id"]}""");
                yield return Bad("userIds naming an unknown user", """{"userIds":["nobody"]}""", 400, 404);
                yield return Bad("a known user beside an unknown one", """{"userIds":["dave","nobody"]}""", 400, 404);
                yield return Bad("userIds naming 501 users", $$"""{"userIds":{{manyIds}}}""", 400, 404);
                yield return BadUrl("unknown conversation", "/v1/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/members", """{"userIds":["dave"]}""", 404);
                break;

            case "client.members.update":
                yield return Bad("empty object", "{}");
                yield return Bad("null role", """{"role":null}""");
                yield return Bad("unknown role", """{"role":"king"}""");
                yield return Bad("role in another case", """{"role":"Admin"}""");
                yield return Bad("numeric role", """{"role":5}""");
                yield return Bad("permissions as a string", """{"permissions":"send_messages"}""");
                yield return Bad("permissions as an object", """{"permissions":{"send_messages":true}}""");
                yield return Bad("unknown permission", """{"permissions":["fly"]}""");
                yield return Bad("permissions holding null", """{"permissions":[null]}""");
                yield return Bad("permissions holding a number", """{"permissions":[5]}""");
                yield return Bad("mutedUntil that is no date", """{"mutedUntil":"soon"}""");
                yield return Bad("mutedUntil as a number", """{"mutedUntil":5}""");
                yield return Bad("bannedUntil that is no date", """{"bannedUntil":"forever"}""");
                yield return Bad("bannedUntil as a boolean", """{"bannedUntil":true}""");
                yield return Bad("valid role beside an unknown permission", """{"role":"admin","permissions":["fly"]}""");
                yield return BadUrl("member id with a space", "/v1/conversations/$group/members/bad%20id", """{"role":"moderator"}""", 400, 404);
                yield return BadUrl("user who is no member", "/v1/conversations/$group/members/dave", """{"role":"moderator"}""", 404);
                yield return BadUrl("unknown conversation", "/v1/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/members/bob", """{"role":"moderator"}""", 404);
                break;

            case "client.messages.post":
                yield return Bad("empty object", "{}");
                yield return Bad("null text", """{"text":null}""");
                yield return Bad("blank text", """{"text":"   "}""");
                yield return Bad("system kind from a user", """{"text":"x","kind":"system"}""");
                yield return Bad("unknown kind", """{"text":"x","kind":"sticker"}""");
                yield return Bad("numeric kind", """{"text":"x","kind":1}""");
                yield return Bad("media kind without attachments", """{"text":"x","kind":"media"}""");
                yield return Bad("mentions as a string", """{"text":"x","mentions":"bob"}""");
                yield return Bad("mentions holding a bad id", """{"text":"x","mentions":["bad id"]}""");
                yield return Bad("mentions holding a number", """{"text":"x","mentions":[5]}""");
                yield return Bad("mentions holding a non-member", """{"text":"x","mentions":["dave"]}""");
                yield return Bad("attachments as a string", """{"text":"x","attachments":"a1"}""");
                yield return Bad("attachments holding a number", """{"text":"x","attachments":[5]}""");
                yield return Bad("attachments holding an empty object", """{"text":"x","attachments":[{}]}""");
                yield return Bad("attachments naming nothing", """{"text":"x","attachments":[{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}]}""", 400, 404);
                yield return Bad("replyToId naming nothing", """{"text":"x","replyToId":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}""", 400, 404);
                yield return Bad("replyToId naming a message of another conversation", """{"text":"x","replyToId":"$t1"}""", 400, 404);
                yield return Bad("numeric replyToId", """{"text":"x","replyToId":5}""");
                yield return Bad("clientMessageId of 100000 characters", $$"""{"text":"x","clientMessageId":{{long100k}}}""");
                yield return Bad("numeric clientMessageId", """{"text":"x","clientMessageId":5}""");
                yield return Bad("metadata as an array", """{"text":"x","metadata":[1]}""");
                yield return Bad("metadata over 16 KiB", $$"""{"text":"x","metadata":{{bigMetadata}}}""");
                yield return Bad("metadata nested 1000 deep", "{\"text\":\"x\",\"metadata\":{\"a\":" + deep + "}}");
                yield return BadUrl("unknown conversation", "/v1/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/messages", """{"text":"x"}""", 404);
                yield return BadUrl("malformed conversation id", "/v1/conversations/not%20an%20id/messages", """{"text":"x"}""", 400, 404);
                break;

            case "client.messages.edit":
                yield return Bad("empty object", "{}");
                yield return Bad("null text", """{"text":null}""");
                yield return Bad("empty text", """{"text":""}""");
                yield return Bad("blank text", """{"text":"   "}""");
                yield return BadUrl("unknown message", "/v1/conversations/$group/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV", """{"text":"x"}""", 404);
                yield return BadUrl("malformed message id", "/v1/conversations/$group/messages/not%20an%20id", """{"text":"x"}""", 400, 404);
                yield return BadUrl("someone else's message", "/v1/conversations/$group/messages/$m2", """{"text":"x"}""", 403);
                yield return BadUrl("message named under another conversation", "/v1/conversations/$target/messages/$m1", """{"text":"x"}""", 404);
                break;

            case "client.messages.forward":
                yield return Bad("empty object", "{}");
                yield return Bad("null targetConversationId", """{"targetConversationId":null}""");
                yield return Bad("numeric targetConversationId", """{"targetConversationId":5}""");
                yield return Bad("targetConversationId as an array", """{"targetConversationId":["$target"]}""");
                yield return Bad("targetConversationId naming nothing", """{"targetConversationId":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}""", 400, 404);
                yield return Bad("targetConversationId of 100000 characters", $$"""{"targetConversationId":{{long100k}}}""", 400, 404);
                yield return BadUrl("unknown message", "/v1/conversations/$group/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV/forward", """{"targetConversationId":"$target"}""", 404);
                break;

            case "client.reactions.add":
                yield return Bad("empty object", "{}");
                yield return Bad("null emoji", """{"emoji":null}""");
                yield return Bad("emoji as a number", """{"emoji":1}""");
                yield return Bad("a word instead of an emoji", """{"emoji":"like"}""");
                yield return Bad("two emoji with a space", """{"emoji":"👍 👎"}""");
                yield return Bad("markup instead of an emoji", """{"emoji":"<img src=x>"}""");
                yield return BadUrl("unknown message", "/v1/conversations/$group/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV/reactions", """{"emoji":"👍"}""", 404);
                yield return BadUrl("message named under another conversation", "/v1/conversations/$target/messages/$m2/reactions", """{"emoji":"👍"}""", 404);
                break;

            case "client.messages.report":
                yield return Bad("empty object", "{}");
                yield return Bad("null reason", """{"reason":null}""");
                yield return Bad("blank reason", """{"reason":"   "}""");
                yield return Bad("reason as an array", """{"reason":["spam"]}""");
                yield return BadUrl("unknown message", "/v1/conversations/$group/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV/report", """{"reason":"spam"}""", 404);
                break;

            case "client.read":
            case "client.delivered":
                yield return Bad("messageIds as a string", """{"messageIds":"$m2"}""");
                yield return Bad("messageIds as an object", """{"messageIds":{"0":"$m2"}}""");
                yield return Bad("messageIds holding a number", """{"messageIds":[5]}""");
                yield return Bad("messageIds holding null", """{"messageIds":[null]}""");
                yield return Bad("messageIds naming nothing", """{"messageIds":["01ARZ3NDEKTSV4RRFFQ69G5FAV"]}""", 400, 404);
                yield return Bad("a real message beside an unknown one", """{"messageIds":["$m2","01ARZ3NDEKTSV4RRFFQ69G5FAV"]}""", 400, 404);
                yield return Bad("messageIds naming a message of another conversation", """{"messageIds":["$t1"]}""", 400, 404);
                yield return Bad("messageIds holding 501 ids", $$"""{"messageIds":{{manyIds}}}""", 400, 404);
                yield return Bad("upToMessageId as an object", """{"upToMessageId":{}}""");
                yield return Bad("upToMessageId naming nothing", """{"upToMessageId":"nope"}""", 400, 404);
                yield return BadUrl("unknown conversation", "/v1/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV" + (key == "client.read" ? "/read" : "/delivered"), "{}", 404);
                break;

            default:
                throw new InvalidOperationException($"No specific cases for {key}.");
        }
    }

    /// <summary>A JSON string literal.</summary>
    public static string Quoted(string text) => "\"" + text + "\"";

    /// <summary>The body as bytes: UTF-8, except that U+00FF and U+00FE stand for the raw (invalid) bytes 0xFF and 0xFE.</summary>
    public static byte[] ToBytes(string body, bool rawLatinMarkers)
    {
        if (!rawLatinMarkers) return Encoding.UTF8.GetBytes(body);
        var bytes = new List<byte>(body.Length);
        foreach (var ch in body)
        {
            if (ch is '\u00ff' or '\u00fe') bytes.Add((byte)ch);
            else bytes.AddRange(Encoding.UTF8.GetBytes(ch.ToString(CultureInfo.InvariantCulture)));
        }
        return [.. bytes];
    }
}
