// Dates in the operator's locale and time zone.
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const sameDay = (a: Date, b: Date) =>
  a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** Time for today, else the date: list rows. */
export function shortTime(iso: string | null, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  return sameDay(d, now) ? timeFmt.format(d) : dateFmt.format(d);
}

export const clockTime = (iso: string) => timeFmt.format(new Date(iso));
export const fullTime = (iso: string | null) => (iso ? fullFmt.format(new Date(iso)) : '—');

/** A local calendar-day key, for grouping messages by day. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (sameDay(d, now)) return 'Today';
  const y = new Date(now);
  y.setDate(y.getDate() - 1);
  if (sameDay(d, y)) return 'Yesterday';
  return dayFmt.format(d);
}
