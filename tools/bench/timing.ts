/** What the benchmark scripts measure with: sequential timed GETs, percentiles, rounding. */

/** `n` sequential GETs of `url`; each one's milliseconds (the body read in full; anything but 200 throws) */
export async function timed(url: string, headers: Record<string, string>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await fetch(url, { headers });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
    out.push(performance.now() - t0);
  }
  return out;
}

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
