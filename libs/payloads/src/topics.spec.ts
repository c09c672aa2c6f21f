import { matchTopic } from './topics';

describe(matchTopic.name, () => {
  it('reads the device of a native topic', () => {
    expect(matchTopic('vulgraad/v1/devices/bin-0042/readings')).toEqual({ format: 'native', deviceRef: 'bin-0042' });
  });

  it.each([
    'vulgraad/v1/devices//readings',
    'vulgraad/v1/devices/readings',
    'vulgraad/v1/devices/a/b/readings',
    'vulgraad/v1/devices/bin-0042/readings/',
    'vulgraad/v1/devices/bin-0042/reading',
    'xvulgraad/v1/devices/bin-0042/readings',
    'vulgraad/v1/devices/bin-0042',
  ])('takes %s for no native topic', (topic) => {
    expect(matchTopic(topic)).toBeNull();
  });

  it('keeps any character but the slash in a native device id', () => {
    expect(matchTopic('vulgraad/v1/devices/a b\nc@d/readings')).toEqual({ format: 'native', deviceRef: 'a b\nc@d' });
  });

  it('still reads the network servers\' topics', () => {
    expect(matchTopic('v3/waste@ttn/devices/eui-1/up')).toEqual({ format: 'ttn-v3', deviceRef: 'eui-1', applicationId: 'waste', tenantId: 'ttn' });
    expect(matchTopic('application/app-1/device/70B3D57ED0051234/event/up')).toEqual({ format: 'chirpstack-v4', deviceRef: '70b3d57ed0051234', applicationId: 'app-1' });
  });
});
