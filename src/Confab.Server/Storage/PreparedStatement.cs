using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Confab.Server.Storage;

/// <summary>
/// One SQL text compiled once on one open SQLite connection and run again with new values: SQLite parses and
/// plans it only the first time, and its rows are read by a row parser built once per result type.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    private readonly SqliteCommand command;
    private readonly (SqliteParameter Parameter, string Name)[] parameters;
    private readonly Dictionary<Type, Delegate> parsers = [];

    public PreparedStatement(SqliteConnection connection, string sql)
    {
        command = connection.CreateCommand();
        command.CommandText = sql;
        parameters = SqlArguments.NamesIn(sql).Select(name => (new SqliteParameter("@" + name, null), name)).ToArray();
        command.Parameters.AddRange(parameters.Select(p => p.Parameter).ToArray());
    }

    public SqliteCommand Bind(SqliteTransaction? transaction, object? args)
    {
        command.Transaction = transaction;
        foreach (var (parameter, name) in parameters) parameter.Value = SqlArguments.ValueOf(args, name);
        return command;
    }

    /// <summary>Reads each row as a <typeparamref name="T"/>; the columns of a statement never change, so neither does its parser.</summary>
    public Func<DbDataReader, T> ParserFor<T>(DbDataReader reader)
    {
        if (parsers.TryGetValue(typeof(T), out var known)) return (Func<DbDataReader, T>)known;
        // The untyped parser: Dapper's typed one fails to cast its delegate for a single column of a reference type (string).
        var untyped = reader.GetRowParser(typeof(T));
        Func<DbDataReader, T> parser = row => untyped(row) is T value ? value : default!;
        parsers[typeof(T)] = parser;
        return parser;
    }

    public void Dispose() => command.Dispose();
}
