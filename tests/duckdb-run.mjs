// duckdb-run.mjs FILE.sql - run every statement of FILE.sql with DuckDB's
// Node API and print each result as JSON lines (column names first), for
// tests/examples.bats where there is no duckdb command.  The API comes
// from the folder named by DUCKDB_NODE (holding node_modules/@duckdb/node-api),
// as `make bench` installs it; it is never a dependency of benchpipe.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(process.env.DUCKDB_NODE + '/package.json');
const { DuckDBInstance } = require('@duckdb/node-api');
const con = await (await DuckDBInstance.create(':memory:')).connect();
const sql = readFileSync(process.argv[2], 'utf8')
	.replace(/--.*$/mg, '');
for (const stmt of sql.split(';').map(s => s.trim()).filter(s => s)) {
	const r = await con.runAndReadAll(stmt);
	console.log(JSON.stringify(r.columnNames()));
	for (const row of r.getRowsJson())
		console.log(JSON.stringify(row));
}
