using System.Data.Common;
using Dapper;

namespace Confab.Server.Storage;

/// <summary>Statements through Dapper, each compiled by the server (PostgreSQL prepares and caches them itself).</summary>
internal sealed class DapperSql(DbConnection connection, DbTransaction? transaction) : ISqlRunner
{
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args) =>
        (await connection.QueryAsync<T>(sql, args, transaction)).AsList();

    public async Task<IReadOnlyList<TResult>> QueryAsync<TResult>(string sql, Type[] types, Func<object?[], TResult> map, object? args, string splitOn) =>
        (await connection.QueryAsync(sql, types, map, args, transaction, splitOn: splitOn)).AsList();

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args) =>
        connection.QuerySingleOrDefaultAsync<T>(sql, args, transaction);

    public Task<T> ScalarAsync<T>(string sql, object? args) =>
        connection.ExecuteScalarAsync<T>(sql, args, transaction)!;

    public Task<int> ExecuteAsync(string sql, object? args) =>
        connection.ExecuteAsync(sql, args, transaction);

    /// <summary>The statements in one batch, the commit too if asked: one round trip (Npgsql's batches).</summary>
    public async Task RunBatchAsync(IReadOnlyList<BatchedStatement> statements, bool commit)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var statement in statements)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = statement.Sql;
            foreach (var (name, value, declared) in SqlArguments.ValuesOf(statement.Sql, statement.Args))
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                // A null says nothing of its type; the argument's declared type does, as Dapper would send it.
                if (value is DBNull && SqlArguments.DbTypeOf(declared) is { } type) parameter.DbType = type;
                command.Parameters.Add(parameter);
            }
            batch.BatchCommands.Add(command);
        }
        // PostgreSQL skips what follows a failed statement, the COMMIT included, and the transaction is rolled back when
        // disposed. A COMMIT that ran ends the transaction, which Npgsql sees, so disposing it then rolls nothing back.
        if (commit) batch.BatchCommands.Add(CommitCommand(batch));
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            // Npgsql's reader moves past a statement that gives no result set, so only those that give one are read from it.
            var positioned = true;
            foreach (var statement in statements.Where(s => s.ReturnsRows))
            {
                await statement.ReadAsync(reader);
                positioned = await reader.NextResultAsync();
            }
            // A result set left over means a statement that gives one was taken for one that does not, and every read after
            // it went to the wrong statement: a mistake in the code, made loud.
            while (positioned)
            {
                if (reader.FieldCount > 0) throw new InvalidOperationException("A batched statement gave a result set where none was expected.");
                positioned = await reader.NextResultAsync();
            }
        }
        // Each command's count of rows changed is known once the reader went past it.
        for (var i = 0; i < statements.Count; i++)
        {
            if (!statements[i].ReturnsRows) statements[i].TakeChanged(batch.BatchCommands[i].RecordsAffected);
        }
    }

    private static DbBatchCommand CommitCommand(DbBatch batch)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = "COMMIT";
        return command;
    }
}
