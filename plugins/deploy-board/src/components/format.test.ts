import { formatAge, formatClock, percent } from './format';

describe('format', () => {
  it('formats ages like kubectl', () => {
    const now = Date.parse('2025-01-03T12:00:00Z');
    expect(formatAge('2025-01-01T08:00:00Z', now)).toBe('2d 4h');
    expect(formatAge('2025-01-03T09:55:00Z', now)).toBe('2h 5m');
    expect(formatAge('2025-01-03T11:58:30Z', now)).toBe('1m 30s');
    expect(formatAge('2025-01-03T11:59:20Z', now)).toBe('40s');
    expect(formatAge(undefined, now)).toBe('unknown');
    expect(formatAge('not a date', now)).toBe('unknown');
  });

  it('formats clock times and shares', () => {
    expect(formatClock(undefined)).toBeUndefined();
    expect(formatClock('2025-01-01T12:03:00Z')).toMatch(/\d\d:03/);
    expect(percent(0.1)).toBe('10%');
    expect(percent(0.333)).toBe('33%');
  });
});
