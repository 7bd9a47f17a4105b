import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import 'dayjs/locale/zh-cn';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.locale('zh-cn');

export const TZ = 'Asia/Shanghai';
export { dayjs };

/** An instant as a person in China reads it: YYYY-MM-DD HH:mm, Asia/Shanghai whatever the browser's zone. */
export function fmt(instant: string | null | undefined): string {
  if (!instant) return '—';
  const d = dayjs(instant);
  return d.isValid() ? d.tz(TZ).format('YYYY-MM-DD HH:mm') : instant;
}

/** A calendar date (YYYY-MM-DD) or an instant's date in Asia/Shanghai. */
export function fmtDate(v: string | null | undefined): string {
  if (!v) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const d = dayjs(v);
  return d.isValid() ? d.tz(TZ).format('YYYY-MM-DD') : v;
}

/** Today's date in Asia/Shanghai. */
export function todayShanghai(): string {
  return dayjs().tz(TZ).format('YYYY-MM-DD');
}

export function yuan(n: number | null | undefined): string {
  if (n == null) return '—';
  return `¥${n.toLocaleString('zh-CN')} 元`;
}
