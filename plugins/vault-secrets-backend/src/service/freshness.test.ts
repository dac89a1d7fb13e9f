import { freshnessOf, parseDuration } from './freshness';

describe('freshness', () => {
  it('reads Vault-style durations', () => {
    expect(parseDuration('720h')).toBe(720 * 3600);
    expect(parseDuration('30d')).toBe(30 * 86400);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('2w')).toBe(14 * 86400);
    expect(parseDuration('3600')).toBe(3600);
    expect(() => parseDuration('soon')).toThrow(/invalid duration/);
    expect(() => parseDuration('30d later')).toThrow(/invalid duration/);
  });

  it('classifies age against the period', () => {
    const f = (age: number) =>
      freshnessOf({ ageSeconds: age, periodSeconds: 100, dueFraction: 0.8 });
    expect(f(0)).toBe('fresh');
    expect(f(79)).toBe('fresh');
    expect(f(80)).toBe('due');
    expect(f(99)).toBe('due');
    expect(f(100)).toBe('overdue');
  });
});
