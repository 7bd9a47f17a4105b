/**
 * The Temporal SDK runtime's own metrics (worker task slots, poll and schedule-to-start latencies, workflow and
 * activity task execution latency, sticky-cache hits, …) exported for Prometheus by the SDK core on
 * http://127.0.0.1:$TEMPORAL_METRICS_PORT/metrics (default 9464; TEMPORAL_METRICS_PORT=off disables it,
 * TEMPORAL_METRICS_HOST changes the bind address). Loopback by default: scrape it from the same host or
 * put a proxy in front. A port already in use is skipped with a warning rather than failing the start.
 */
import { portInUse } from './temporalDevServer';

export async function temporalMetricsTelemetry(
  warn: (m: string) => void,
): Promise<{ metrics?: { prometheus: { bindAddress: string } }; bindAddress?: string }> {
  const raw = process.env.TEMPORAL_METRICS_PORT ?? '9464';
  if (raw === 'off' || raw === '0' || raw === '') return {};
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    warn(`TEMPORAL_METRICS_PORT=${raw} is not a port; Temporal worker metrics are off`);
    return {};
  }
  const host = process.env.TEMPORAL_METRICS_HOST ?? '127.0.0.1';
  if (await portInUse(port, host === '0.0.0.0' ? '127.0.0.1' : host)) {
    warn(`port ${port} is in use; Temporal worker metrics are off (set TEMPORAL_METRICS_PORT)`);
    return {};
  }
  const bindAddress = `${host}:${port}`;
  return { metrics: { prometheus: { bindAddress } }, bindAddress };
}
