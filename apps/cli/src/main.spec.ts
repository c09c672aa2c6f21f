import { helpText, parseArgs, UsageError } from './main';

describe(parseArgs.name, () => {
  it('reads a command, its arguments and its options by their long names', () => {
    const sut = parseArgs(['register', 'city.csv', '--bound-from', '2026-01-01T00:00:00Z']);
    expect(sut).toEqual({ command: 'register', args: ['city.csv'], flags: new Map([['bound-from', '2026-01-01T00:00:00Z']]) });
    expect(parseArgs(['load-amsterdam', '--limit=40', '--devices', 'mixed']).flags).toEqual(new Map([['limit', '40'], ['devices', 'mixed']]));
    expect(parseArgs(['bind', 'sensor-17', 'AMS-1']).args).toEqual(['sensor-17', 'AMS-1']);
  });

  it('answers help for no command, help, --help and help <command>', () => {
    expect(parseArgs([]).command).toBe('help');
    expect(parseArgs(['help'])).toMatchObject({ command: 'help', args: [] });
    expect(parseArgs(['--help'])).toMatchObject({ command: 'help', args: [] });
    expect(parseArgs(['help', 'register'])).toMatchObject({ command: 'help', args: ['register'] });
    expect(parseArgs(['register', '--help'])).toMatchObject({ command: 'help', args: ['register'] });
  });

  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['bind', 'sensor-17'], "missing required argument 'container-id-or-ref'"],
    [['register', 'city.csv', '--bound-from'], "option '--bound-from <iso>' argument missing"],
    [['summary', '--nope'], "unknown option '--nope'"],
  ])('refuses %j with a usage error naming what is wrong', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe(helpText.name, () => {
  it('lists every command, and the options of one', () => {
    const all = helpText();
    for (const command of ['migrate', 'register', 'load-amsterdam', 'bind', 'application', 'summary', 'device-secret', 'mqtt-account', 'mosquitto-auth', 'config']) {
      expect(all).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(helpText('load-amsterdam')).toContain('--interval-min <m>');
  });
});
