/**
 * Bench row: the organisation CSV import (POST /api/v1/admin/orgs/import) of `n` new enterprises over HTTP, as the
 * admin sends it: the dry run (every row checked, nothing written) and then the import itself (one transaction).
 */
import { makeCreditCode } from '../../platform/orgs/creditCode';

const TOWNS = ['NX-T-NXZ', 'NX-T-LSZ', 'NX-T-SLZ', 'NX-T-LHZ', 'NX-T-HFZ', 'NX-T-SLN', 'NX-T-JGZ', 'NX-T-QJZ', 'NX-T-SCZ', 'NX-T-KFQ'];
const REGULATORS = ['NX-FGJXJ', 'NX-ZJJ', 'NX-JTJ', 'NX-SCJGJ', 'NX-KJJ'];

export function orgImportCsv(n: number, prefix = 'B'): string {
  const lines = ['type,name,creditCode,townCode,regulatorCode,certRereviewBy,address'];
  for (let i = 0; i < n; i++) {
    const cc = makeCreditCode(`91330503MA${prefix}${String(i).padStart(6, '0')}`);
    lines.push(
      `enterprise,基准导入企业${i}有限公司,${cc},${TOWNS[i % TOWNS.length]},${REGULATORS[i % REGULATORS.length]},${i % 3 === 0 ? 'regulator' : 'town'},南浔区基准路${i}号`,
    );
  }
  return lines.join('\r\n');
}

export async function benchOrgImport(opts: { base: string; token: string; n: number; say: (m: string) => void }) {
  const csv = Buffer.from(orgImportCsv(opts.n), 'utf8');
  const send = async (dryRun: boolean) => {
    const t0 = performance.now();
    const r = await fetch(`${opts.base}/api/v1/admin/orgs/import?dryRun=${dryRun}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const body = (await r.json()) as { counts?: { created: number } };
    if (r.status !== 200 || body.counts?.created !== opts.n)
      throw new Error(`org import (dryRun=${dryRun}): ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
    return (performance.now() - t0) / 1000;
  };
  opts.say(`org import: ${opts.n} rows (${Math.round(csv.length / 1024)} KB), dry run then import`);
  const dryRunSeconds = await send(true);
  const importSeconds = await send(false);
  opts.say(`org import: dry run ${dryRunSeconds.toFixed(2)} s, import ${importSeconds.toFixed(2)} s`);
  return {
    rows: opts.n,
    dryRunSeconds: Math.round(dryRunSeconds * 100) / 100,
    importSeconds: Math.round(importSeconds * 100) / 100,
    target: '10,000 rows well under 60 s',
  };
}
