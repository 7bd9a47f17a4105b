/**
 * The benchmark's HTTP client: POSTs that alternate between the API instances (one in the dev engine's bench
 * process). A 503 (Temporal slower than the API's 15 s deadline on a loaded machine) is retried with the same
 * Idempotency-Key, as the contract tells clients to; a decision on a task not open yet (404: the previous decision
 * was answered from Postgres on such a retry before the workflow settled) is tried again, as a clerk would find it
 * in the inbox a moment later. The time spent counts; the retries are counted for the report.
 */
export interface RetryingPoster {
  post(path: string, token: string, body: unknown): Promise<Record<string, unknown>>;
  readonly retried503: number;
  readonly retried404: number;
}

export function retryingPoster(bases: string[]): RetryingPoster {
  let turn = 0;
  let keySeq = 0;
  const counts = { retried503: 0, retried404: 0 };
  const postOnce = async (p: string, token: string, body: unknown, key: string) => {
    const r = await fetch(`${bases[turn++ % bases.length]}${p}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    const json = (await r.json()) as Record<string, unknown>;
    if (r.status >= 300) throw new Error(`${p}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const post = async (p: string, token: string, body: unknown) => {
    const key = `bench-${process.pid}-${++keySeq}`;
    const deadline = Date.now() + 180_000;
    for (;;) {
      try {
        return await postOnce(p, token, body, key);
      } catch (err) {
        const m = err instanceof Error ? err.message : '';
        let again = false;
        if (/ 503 /.test(m)) {
          counts.retried503++;
          again = true;
        } else if (/ 404 .*no such task/.test(m)) {
          counts.retried404++;
          again = true;
        }
        if (!again || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };
  return {
    post,
    get retried503() {
      return counts.retried503;
    },
    get retried404() {
      return counts.retried404;
    },
  };
}
