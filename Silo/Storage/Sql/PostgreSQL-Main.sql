-- OrleansOrchestrator: Orleans ADO.NET shared schema for PostgreSQL (Orleans 10.4.2).
-- Idempotent: safe to run at every silo start-up (one parameterless Npgsql command).
-- Orleans reads its operational queries from this table by QueryKey
-- ("SELECT QueryKey, QueryText FROM OrleansQuery ..."). Table/column names are fixed by Orleans.

-- Concurrent silo start-ups: catalog DDL (CREATE TABLE IF NOT EXISTS, CREATE OR REPLACE FUNCTION)
-- races between sessions ("tuple concurrently updated", duplicate key in pg_type/pg_proc; reproduced
-- with 8 parallel clients). The whole file is one transaction holding a transaction-scoped advisory
-- lock (same key in every OrleansOrchestrator script), so concurrent runs serialize.
-- Run it WITHOUT an outer transaction (its COMMIT would end the caller's transaction).
BEGIN;
SELECT pg_advisory_xact_lock(716254420101);

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY(QueryKey)
);

-- OrleansOrchestrator's own: the public fingerprints of the keys the silos of this database use (never the keys),
-- compared by each silo at start (see Silo/Hosting/ClusterKeyRecord.cs).
CREATE TABLE IF NOT EXISTS OrleansOrchestratorKeyFingerprints
(
    Name varchar(64) NOT NULL,
    Fingerprint text NOT NULL,
    UpdatedAt timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT OrleansOrchestratorKeyFingerprints_Key PRIMARY KEY(Name)
);

COMMIT;
