import { clientIdRefusal, mayPublish, maySubscribe, type MqttIdentity } from './topic-rules';
import { mosquittoFiles } from './mosquitto-files';

const truck: MqttIdentity = { kind: 'vehicle', username: 'truck-7' };

describe('a truck on the broker', () => {
  it('publishes its own position and lifts only, and subscribes to nothing', () => {
    expect(mayPublish(truck, 'vulgraad/v1/vehicles/truck-7/position')).toBe(true);
    expect(mayPublish(truck, 'vulgraad/v1/vehicles/truck-7/lift')).toBe(true);
    expect(mayPublish(truck, 'vulgraad/v1/vehicles/truck-8/position')).toBe(false);
    expect(mayPublish(truck, 'vulgraad/v1/vehicles/truck-7/a/b')).toBe(false);
    expect(mayPublish(truck, 'vulgraad/v1/vehicles/truck-7/')).toBe(false);
    expect(mayPublish(truck, 'vulgraad/v1/devices/truck-7/readings')).toBe(false);
    expect(mayPublish(truck, 'site/vulgraad/v1/vehicles/truck-7/position', 'site/')).toBe(true);
    expect(maySubscribe(truck)).toBe(false);
  });

  it('connects with its own id as client id', () => {
    expect(clientIdRefusal(truck, 'truck-7')).toBeNull();
    expect(clientIdRefusal(truck, 'truck-8')).toMatch(/own id/);
    expect(clientIdRefusal(truck, 'vulgraad-ingest')).toMatch(/truck truck-7/);
  });

  it('gets its own line in Mosquitto\'s ACL file', () => {
    const files = mosquittoFiles([{ identity: truck, passwordHash: '$7$101$abc$def' }]);
    expect(files.passwords).toBe('truck-7:$7$101$abc$def\n');
    expect(files.acl).toContain('user truck-7\ntopic write vulgraad/v1/vehicles/truck-7/#');
  });
});
