using System.Data.Common;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Storage;
using Npgsql;

namespace Confab.Server.Events;

/// <summary>One NOTIFY payload: the node that sent it and what it tells.</summary>
public sealed record ClusterEnvelope(string Node, IReadOnlyList<ClusterNews> News);

/// <summary>
/// Tells the other nodes through PostgreSQL NOTIFY. News queues here and one loop sends whatever has queued
/// since its last round trip, with commits folded to the newest position per tenant, in as few payloads as fit
/// under PostgreSQL's 8000-byte limit: the more commits per second, the more each NOTIFY carries, so the
/// NOTIFY rate never limits the write rate. Commits are wake-ups only (the log is the truth) and are sent
/// again after a failure; typing and presence signals are ephemeral and are not.
/// </summary>
public sealed partial class PostgresClusterLink(IStoreEngine engine, NodeIdentity node, ILogger<PostgresClusterLink> logger)
    : BackgroundService, IClusterLink
{
    public const string Channel = "confab_cluster";
    private const int MaxPayloadBytes = 7900;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<ClusterNews> outbox = System.Threading.Channels.Channel.CreateUnbounded<ClusterNews>(
        new UnboundedChannelOptions { SingleReader = true });

    public void Tell(ClusterNews news) => outbox.Writer.TryWrite(news);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (engine is not PostgresEngine) return;
        var commits = new Dictionary<string, long>(StringComparer.Ordinal);
        var signals = new List<ClusterNews>();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (commits.Count == 0 && !await outbox.Reader.WaitToReadAsync(stoppingToken)) return;
            while (outbox.Reader.TryRead(out var news))
            {
                if (news.Commit is { } commit) commits[commit.TenantId] = Math.Max(commit.Position, commits.GetValueOrDefault(commit.TenantId));
                else signals.Add(news);
            }
            try
            {
                await SendAsync(Payloads(commits.Select(c => new ClusterNews(Commit: new Committed(c.Key, c.Value))).Concat(signals)), stoppingToken);
                commits.Clear();
            }
            catch (DbException error)
            {
                LogSendFailed(logger, error);
                await Task.Delay(RetryDelay, stoppingToken);
            }
            finally
            {
                signals.Clear();
            }
        }
    }

    private async Task SendAsync(List<string> payloads, CancellationToken stopping)
    {
        await using var connection = (NpgsqlConnection)engine.CreateConnection();
        await connection.OpenAsync(stopping);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var payload in payloads)
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)") { Parameters = { new() { Value = Channel }, new() { Value = payload } } });
        await batch.ExecuteNonQueryAsync(stopping);
    }

    /// <summary>The news as envelopes of this node, each as much as fits in one payload.</summary>
    private List<string> Payloads(IEnumerable<ClusterNews> news)
    {
        var payloads = new List<string>();
        var current = new List<ClusterNews>();
        var size = 0;
        foreach (var item in news)
        {
            var itemSize = Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(item, JsonDefaults.Options)) + 1;
            if (current.Count > 0 && size + itemSize > MaxPayloadBytes - node.Id.Length - 32)
            {
                payloads.Add(JsonSerializer.Serialize(new ClusterEnvelope(node.Id, current), JsonDefaults.Options));
                current = [];
                size = 0;
            }
            current.Add(item);
            size += itemSize;
        }
        if (current.Count > 0) payloads.Add(JsonSerializer.Serialize(new ClusterEnvelope(node.Id, current), JsonDefaults.Options));
        return payloads;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling the other nodes failed; commits will be sent again")]
    private static partial void LogSendFailed(ILogger logger, Exception error);
}
