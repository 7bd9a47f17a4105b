/**
 * `npx tsx tools/provisionTemporalServer.ts`: makes sure the pinned Temporal server and its SQL tool are available
 * (tools/temporalServer.ts: env paths, the version-keyed cache, else go install into it) and prints where they are.
 * `.ci/run` calls it before the tests so the cluster test and `bench --engine server` find them cached.
 */
import { findTemporalServer } from './temporalServer';

const t0 = Date.now();
findTemporalServer({ log: (m) => console.error(m) }).then(
  (b) => {
    console.log(`TEMPORAL_SERVER_PATH=${b.server}`);
    console.log(`TEMPORAL_SQL_TOOL_PATH=${b.sqlTool}`);
    console.log(`TEMPORAL_SERVER_SCHEMA_DIR=${b.schemaDir}`);
    console.error(`Temporal server v${b.version} (${b.source}) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
