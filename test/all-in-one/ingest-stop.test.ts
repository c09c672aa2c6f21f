import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

// Stopping the all-in-one pauses the ingest's socket and then disconnects while the embedded
// broker may still be sending to it. A paused socket never saw the broker close the connection,
// and the graceful end waited for ever. The scenario runs the ingest's MQTT client against the
// real embedded broker (aedes) in a child process.
describe('the ingest stopping on the embedded broker', () => {
  it('stops while paused and while the broker is still sending', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', './tools/register.js', 'test/all-in-one/support/ingest-stop-scenario.ts'], { cwd: REPO_ROOT, timeout: 60_000 });
    const result = /ingest-stop received=(\d+) outcome=(\S+) connected=(\S+)/.exec(stdout);
    expect(result).not.toBeNull();
    expect(Number(result?.[1])).toBeGreaterThanOrEqual(200);
    expect(result?.[2]).toBe('stopped');
    expect(result?.[3]).toBe('false');
  }, 90_000);
});
