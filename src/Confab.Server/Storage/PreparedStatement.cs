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
    private readonly Dictionary<Type, Func<DbDataReader, object>> parsers = [];

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
