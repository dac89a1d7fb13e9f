/** `12:03` in the viewer's time zone; the banner's "since" reads best as a wall-clock time. */
export function formatClock(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

/** `3d 4h`, `2h 5m`, `40s`: a pod's age at a glance, like kubectl's AGE column. */
export function formatAge(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'unknown';
  const created = new Date(iso).getTime();
  if (Number.isNaN(created)) return 'unknown';
  const seconds = Math.max(0, Math.floor((now - created) / 1000));
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${seconds}s`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
