import { percentile, summarize } from './stats';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile(samples, 0)).toBe(1);
  });

  it('is NaN without samples', () => {
    expect(percentile([], 95)).toBeNaN();
  });
});

describe('summarize', () => {
  it('gives count, median, p95, mean and max', () => {
    expect(summarize([1, 2, 3, 4])).toEqual({
      count: 4,
      p50: 2,
      p95: 4,
      mean: 2.5,
      max: 4,
    });
  });
});
