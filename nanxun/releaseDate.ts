/**
 * The day of the yearly instalment release (a Temporal Schedule, runtime/schedules.ts): INSTALMENT_RELEASE_DATE=MM-DD,
 * default 12-01. The release held in year Y opens every instalment falling due in Y (rules.ts releaseDueBy), so an
 * instalment is paid after the release of its due year, not on the anniversary its due date names.
 */
export function releaseDateFromEnv(value = process.env.INSTALMENT_RELEASE_DATE ?? '12-01'): { month: number; dayOfMonth: number } {
  const m = /^(\d{2})-(\d{2})$/.exec(value);
  const month = Number(m?.[1]);
  const dayOfMonth = Number(m?.[2]);
  if (!m || month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > 28) {
    throw new Error(`INSTALMENT_RELEASE_DATE must be MM-DD with a day from 01 to 28 (it must exist every year), got ${value}`);
  }
  return { month, dayOfMonth };
}

/** The release that opens an instalment due on `dueOn` (the anniversary of the first payment): that year's release. */
export function instalmentReleaseOn(dueOn: string, release = releaseDateFromEnv()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${dueOn.slice(0, 4)}-${pad(release.month)}-${pad(release.dayOfMonth)}`;
}
