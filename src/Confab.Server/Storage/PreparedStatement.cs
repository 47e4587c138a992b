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
    private readonly SqliteParameter[] parameters;
    private readonly IReadOnlyList<string> names;
    private readonly Dictionary<Type, Func<DbDataReader, object>> parsers = [];
    private Type? argumentType;
    private Func<object, object>[] readers = [];

    public PreparedStatement(SqliteConnection connection, string sql)
    {
        command = connection.CreateCommand();
        command.CommandText = sql;
        names = SqlArguments.NamesIn(sql);
        parameters = names.Select(name => new SqliteParameter("@" + name, null)).ToArray();
        command.Parameters.AddRange(parameters);
    }

    /// <summary>The command with these values bound; how to read them from <paramref name="args"/> is worked out once per argument type.</summary>
    public SqliteCommand Bind(SqliteTransaction? transaction, object? args)
    {
        command.Transaction = transaction;
        if (parameters.Length == 0) return command;
        if (args is null) throw SqlArguments.Missing(names[0]);
        if (args.GetType() != argumentType)
        {
            readers = SqlArguments.ReadersFor(args.GetType(), names);
            argumentType = args.GetType();
        }
        for (var i = 0; i < parameters.Length; i++) parameters[i].Value = readers[i](args);
        return command;
    }

    /// <summary>
    /// The current row as a <typeparamref name="T"/>: one column converted, or the columns mapped onto a row object.
    /// The mapping is built once per result type; should a column's storage class differ from the one it was built
    /// for (SQLite types values, not columns), it is built again from this row.
    /// </summary>
    public T Read<T>(DbDataReader reader)
    {
        if (SqlValues.IsSingleColumn(typeof(T))) return SqlValues.As<T>(reader.GetValue(0));
        if (parsers.TryGetValue(typeof(T), out var known))
        {
            try
            {
                return (T)known(reader);
            }
            catch (Exception mismatch) when (mismatch is InvalidCastException or System.Data.DataException)
            {
                parsers.Remove(typeof(T));
            }
        }
        var parser = reader.GetRowParser(typeof(T));
        parsers[typeof(T)] = parser;
        return (T)parser(reader);
    }

    public void Dispose() => command.Dispose();
}
