import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, DATABASE, DomainError, type Clock } from '@vulgraad/contracts';
import { ContainersRepository, DevicesRepository, RejectedMessagesRepository, type Database, type DeviceBinding, type DeviceRecord } from '@vulgraad/database';
import { AuditService } from '../audit/audit.service';
import { seesDistrict, type AuthUser } from '../auth/roles';
import type { DeviceDto, RejectedQuery } from './devices.dto';

const bindingView = (b: DeviceBinding) => ({ id: b.id, deviceId: b.deviceId, containerId: b.containerId, validFrom: b.validFrom.toISOString(), validTo: b.validTo?.toISOString() ?? null });

@Injectable()
export class DevicesService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly containers: ContainersRepository,
    private readonly rejected: RejectedMessagesRepository,
    private readonly audit: AuditService,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async get(user: AuthUser, id: string): Promise<DeviceRecord & { bindings: ReturnType<typeof bindingView>[] }> {
    const [device] = await this.devices.findByIds([id]);
    if (!device) throw new DomainError('not_found', `device ${id} does not exist`, 'id');
    const bindings = await this.devices.bindingsOf([id]);
    await this.checkDevice(user, id, bindings);
    return { ...device, bindings: bindings.map(bindingView) };
  }

  async findByRef(user: AuthUser, ref: string): Promise<DeviceRecord[]> {
    const found = await this.devices.findByRefs([ref.toLowerCase(), ref]);
    if (user.districts === null) return found;
    const visible: DeviceRecord[] = [];
    for (const device of found) {
      const district = await this.districtOf(device.id);
      if (district === null || seesDistrict(user, district)) visible.push(device);
    }
    return visible;
  }

  async ofContainer(user: AuthUser, containerId: string) {
    await this.containerIn(user, containerId);
    const bindings = await this.devices.bindingsOfContainer(containerId);
    const devices = await this.devices.findByIds([...new Set(bindings.map((b) => b.deviceId))]);
    return { containerId, devices, bindings: bindings.map(bindingView) };
  }

  async upsert(user: AuthUser, dto: DeviceDto): Promise<DeviceRecord> {
    const [existing] = await this.devices.findByRefs([dto.externalRef]);
    if (existing) await this.checkDevice(user, existing.id);
    const [device] = await this.devices.upsert([{ ...dto, devEui: dto.devEui?.toLowerCase() ?? null }]);
    await this.audit.record(user, 'device.upsert', { type: 'device', id: device!.id }, { ...dto });
    return device!;
  }

  /** Binds a device to a container; the device's and container's open bindings close at that moment (a sensor swap). */
  async bind(user: AuthUser, deviceId: string, containerId: string, validFrom?: string) {
    if ((await this.devices.findByIds([deviceId])).length === 0) throw new DomainError('not_found', `device ${deviceId} does not exist`, 'id');
    // Taking a sensor away from a container of another district is managing that district.
    await this.checkDevice(user, deviceId);
    await this.containerIn(user, containerId);
    const from = validFrom ? new Date(validFrom) : this.clock.now();
    const binding = await this.db.transaction((tx) => new DevicesRepository(tx).bind(deviceId, containerId, from));
    await this.audit.record(user, 'device.bind', { type: 'device', id: deviceId }, { containerId, validFrom: from.toISOString() });
    return bindingView(binding);
  }

  async unbind(user: AuthUser, deviceId: string, at?: string): Promise<{ closed: boolean }> {
    const when = at ? new Date(at) : this.clock.now();
    await this.checkDevice(user, deviceId);
    const closed = await this.devices.unbind(deviceId, when);
    if (!closed) throw new DomainError('conflict', `device ${deviceId} has no open binding that started before ${when.toISOString()}`, 'id');
    await this.audit.record(user, 'device.unbind', { type: 'device', id: deviceId }, { at: when.toISOString() });
    return { closed };
  }

  /** Messages the ingest could not turn into readings, with their reason. */
  async rejectedMessages(user: AuthUser, query: RejectedQuery) {
    const since = query.since ? new Date(query.since) : undefined;
    // A user of some districts sees the messages of devices bound in them, not those of other districts or of no device.
    const [messages, counts] = await Promise.all([
      this.rejected.recent({ reason: query.reason, since, limit: query.limit ?? 100, districts: user.districts }),
      this.rejected.countByReason(since, user.districts),
    ]);
    return {
      counts,
      messages: messages.map((m) => ({
        id: m.id,
        receivedAt: m.receivedAt.toISOString(),
        topic: m.topic,
        reason: m.reason,
        detail: m.detail,
        deviceRef: m.deviceRef,
        format: m.format,
        payloadSize: m.payloadSize,
        payloadPreview: Buffer.from(m.payload).toString('utf8').slice(0, 500),
      })),
    };
  }

  /** The district of the container the device is bound to now; null when it is bound to none. */
  private async districtOf(deviceId: string, bindings?: DeviceBinding[]): Promise<string | null> {
    const open = (bindings ?? (await this.devices.bindingsOf([deviceId]))).find((b) => b.validTo === null);
    if (!open) return null;
    return (await this.containers.findById(open.containerId))?.district ?? null;
  }

  /** A device bound now to a container of a district the user does not see is not theirs to read or manage. */
  private async checkDevice(user: AuthUser, deviceId: string, bindings?: DeviceBinding[]): Promise<void> {
    if (user.districts === null) return;
    const district = await this.districtOf(deviceId, bindings);
    if (district !== null && !seesDistrict(user, district)) throw new DomainError('forbidden', `device ${deviceId} is in district ${district}, which you may not see`, 'id');
  }

  private async containerIn(user: AuthUser, containerId: string): Promise<void> {
    const container = await this.containers.findById(containerId);
    if (!container) throw new DomainError('not_found', `container ${containerId} does not exist`, 'containerId');
    if (!seesDistrict(user, container.district)) throw new DomainError('forbidden', `you may not manage district ${container.district}`, 'containerId');
  }
}
