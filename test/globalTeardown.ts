import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const g = (globalThis as Record<string, unknown>).__ZJ_TEST__ as { pg: { stop(): Promise<void> }; dir: string } | undefined;
  if (!g) return;
  await g.pg.stop().catch(() => undefined);
  fs.rmSync(g.dir, { recursive: true, force: true });
}
