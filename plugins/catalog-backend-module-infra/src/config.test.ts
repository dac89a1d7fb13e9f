import { ConfigReader } from '@backstage/config';
import { DEFAULT_SCHEDULE, readCatalogInfraConfig } from './config';

const read = (data: object) => readCatalogInfraConfig(new ConfigReader(data));

describe('readCatalogInfraConfig', () => {
  it('has defaults: every 5 minutes, a 2 minute grace period, the platform group', () => {
    expect(read({})).toEqual({
      schedule: DEFAULT_SCHEDULE,
      serviceGracePeriodMs: 120_000,
      platformGroup: 'group:default/platform',
    });
  });

  it('reads the schedule, the grace period and the platform group', () => {
    expect(
      read({
        groundcrew: {
          permissions: { platformGroup: 'ops' },
          catalog: {
            schedule: { frequency: { minutes: 1 }, timeout: 'PT30S' },
            serviceGracePeriod: { seconds: 30 },
          },
        },
      }),
    ).toEqual({
      schedule: { frequency: { minutes: 1 }, timeout: { seconds: 30 } },
      serviceGracePeriodMs: 30_000,
      platformGroup: 'group:default/ops',
    });
  });

  it.each([
    [
      { catalog: { schedule: { frequency: 'often' } } },
      /^groundcrew\.catalog\.schedule is invalid/,
    ],
    [
      { catalog: { schedule: { frequency: { minutes: 1 } } } },
      /^groundcrew\.catalog\.schedule is invalid: .*timeout/,
    ],
    [
      { catalog: { serviceGracePeriod: { fortnights: 1 } } },
      /^groundcrew\.catalog\.serviceGracePeriod must be a duration/,
    ],
    [
      { catalog: { serviceGracePeriod: { minutes: -1 } } },
      /^groundcrew\.catalog\.serviceGracePeriod must not be negative/,
    ],
    [
      { permissions: { platformGroup: 'user:default/pat' } },
      /^groundcrew\.permissions\.platformGroup must be a group entity ref/,
    ],
  ])('refuses %j with an error naming the key', (groundcrew, message) => {
    expect(() => read({ groundcrew })).toThrow(message);
  });
});
