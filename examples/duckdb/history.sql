-- history.sql - questions to a nightly history.ndjson, asked in SQL with
-- DuckDB, which reads the NDJSON where it lies: no import, no schema.
--
--   cd /srv/bench && duckdb < /path/to/examples/duckdb/history.sql
--
-- or paste the CREATE VIEW into `duckdb`, then ask one question at a time.
-- read_json_auto takes the columns from the records themselves: nested
-- objects become STRUCTs (metrics.latency_ms.p50, labels.commit), and a
-- field that no record of the file has is not a column (a history without
-- any failure has no `error`, and question 4 then fails to bind).

CREATE OR REPLACE VIEW history AS
SELECT * FROM read_json_auto('history.ndjson', format = 'newline_delimited');

-- 1. Each night: how many results, how many ok, how many not.
SELECT CAST(ts AS DATE) AS night,
       count(*) AS results,
       count(*) FILTER (WHERE status = 'ok') AS ok,
       count(*) FILTER (WHERE status <> 'ok') AS not_ok
FROM history
WHERE kind = 'result'
GROUP BY night
ORDER BY night;

-- 2. One series run by run: its median latency, the commit measured, and
--    the change from the run before.
SELECT CAST(ts AS DATE) AS night,
       labels.commit AS commit,
       round(metrics.latency_ms.p50, 6) AS p50_ms,
       round(100 * (metrics.latency_ms.p50
             / lag(metrics.latency_ms.p50) OVER series - 1), 1) AS change_pct
FROM history
WHERE kind = 'result' AND status = 'ok' AND model = 'gemm'
WINDOW series AS (PARTITION BY backend, params ORDER BY ts)
ORDER BY backend, CAST(params AS VARCHAR), ts;

-- 3. The last three runs of each configuration against the runs before.
WITH runs AS (
    SELECT model, backend, CAST(params AS VARCHAR) AS params,
           metrics.latency_ms.p50 AS p50,
           row_number() OVER (PARTITION BY model, backend, params
                              ORDER BY ts DESC) AS age
    FROM history
    WHERE kind = 'result' AND status = 'ok'
)
SELECT model, backend, params,
       median(p50) FILTER (WHERE age <= 3) AS recent_ms,
       median(p50) FILTER (WHERE age > 3) AS before_ms,
       round(100 * (recent_ms / before_ms - 1), 1) AS change_pct
FROM runs
GROUP BY ALL
HAVING before_ms IS NOT NULL
ORDER BY change_pct DESC;

-- 4. Failures by error type, and when each was last seen.
SELECT error.type AS error_type,
       count(*) AS failures,
       string_agg(DISTINCT model, ', ' ORDER BY model) AS models,
       CAST(max(ts) AS DATE) AS last_seen
FROM history
WHERE kind = 'result' AND status <> 'ok'
GROUP BY ALL
ORDER BY failures DESC, error_type;

-- 5. The machines the history was measured on.
SELECT host_id, hostname, cpu.model AS cpu, cpu.cores AS cores,
       round(memory.total_mib / 1024) AS memory_gib,
       CAST(min(ts) AS DATE) AS first_seen
FROM history
WHERE kind = 'host'
GROUP BY ALL
ORDER BY first_seen;
