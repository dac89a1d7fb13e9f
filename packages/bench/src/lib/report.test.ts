import { num, table } from './report';

describe('report', () => {
  it('pads columns', () => {
    expect(
      table([
        ['a', 'bb'],
        ['ccc', '1'],
      ]),
    ).toBe('a    bb\n---  --\nccc   1');
  });

  it('rounds without trailing zeros', () => {
    expect(num(1.5)).toBe('1.5');
    expect(num(2.0049)).toBe('2');
    expect(num(Infinity)).toBe('Infinity');
  });
});
