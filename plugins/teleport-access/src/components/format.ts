/** "2h 5m left", "45m left", "less than a minute left", or "expired". */
export function timeLeft(iso: string | undefined, now: number): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - now;
  if (!(ms > 0)) return 'expired';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute left';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h ? `${h}h ` : ''}${m}m left`;
}

/** "240 min (4h)" style label for a maximum duration. */
export function durationLabel(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `${m}m`;
  return m ? `${h}h ${m}m` : `${h}h`;
}

/** The durations offered, up to the role's maximum. */
export function durationChoices(maxMinutes: number | undefined): number[] {
  const max = maxMinutes ?? 60;
  const choices = [15, 30, 60, 120, 240, 480].filter(d => d <= max);
  if (!choices.includes(max)) choices.push(max);
  return choices;
}
