/** A plain-text table: the first row is the header; columns are padded to their widest cell. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(r => (r[i] ?? '').length)),
  );
  const line = (r: string[]) =>
    r
      .map((cell, i) =>
        i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]),
      )
      .join('  ');
  return [
    line(rows[0]),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** A number with at most `digits` decimals, and no trailing zeros after the point. */
export function num(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toFixed(digits)));
}

export function kb(bytes: number): string {
  return `${num(bytes / 1024, 1)} KB`;
}
