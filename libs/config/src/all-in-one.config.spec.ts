import { ALL_IN_ONE_DEFAULTS, allInOneEnv } from './all-in-one.config';
import { ConfigError, loadConfig } from './index';

describe(allInOneEnv.name, () => {
  it('gives the demo defaults, and anything set in the environment wins over them', () => {
    const sut = loadConfig(allInOneEnv({ PLANNER_TIME_BUDGET_S: '7', DEMO_CONTAINERS: '50', DEMO_FRACTIONS: 'Glass, residual,glass' }));
    expect(sut.gateway.adminPassword).toBe(ALL_IN_ONE_DEFAULTS.GATEWAY_ADMIN_PASSWORD);
    expect(sut.planner.timeBudgetS).toBe(7);
    expect(sut.allInOne).toMatchObject({ simulator: true, containers: 50, fractions: ['glass', 'residual'], start: null, format: 'mixed' });
  });

  it('gives the demo admin password only with the demo', () => {
    expect(loadConfig(allInOneEnv({ DEMO_SIMULATOR: 'false' })).gateway.adminPassword).toBeNull();
    expect(loadConfig(allInOneEnv({ DEMO_SIMULATOR: 'false', GATEWAY_ADMIN_PASSWORD: 'a-real-password' })).gateway.adminPassword).toBe('a-real-password');
    expect(loadConfig(allInOneEnv({ DEMO_SIMULATOR: 'true' })).gateway.adminPassword).toBe(ALL_IN_ONE_DEFAULTS.GATEWAY_ADMIN_PASSWORD);
  });

  it('leaves other processes on their own defaults', () => {
    expect(loadConfig({}).gateway.adminPassword).toBeNull();
  });

  it('names every bad demo variable', () => {
    let caught: unknown;
    try {
      loadConfig(allInOneEnv({ DEMO_FRACTIONS: 'residual,lead', DEMO_START: 'tomorrow', DEMO_SPEED: '0' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/DEMO_FRACTIONS.*"lead"/);
    expect(problems).toMatch(/DEMO_START.*ISO-8601/);
    expect(problems).toMatch(/DEMO_SPEED/);
  });

  it('reads a simulated start time', () => {
    expect(loadConfig(allInOneEnv({ DEMO_START: '2024-03-04T05:00:00+01:00' })).allInOne.start).toEqual(new Date('2024-03-04T04:00:00Z'));
  });
});
