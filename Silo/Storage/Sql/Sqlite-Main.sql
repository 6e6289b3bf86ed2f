-- OrleansOrchestrator: Orleans ADO.NET shared schema for SQLite (Orleans 10.4.2).
-- Idempotent: safe to run at every silo start-up (one ExecuteNonQuery on Microsoft.Data.Sqlite).
-- Orleans reads its operational queries from this table by QueryKey
-- ("SELECT QueryKey, QueryText FROM OrleansQuery ..."). Table/column names are fixed by Orleans.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
