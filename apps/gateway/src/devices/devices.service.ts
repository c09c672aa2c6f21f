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

  async get(id: string): Promise<DeviceRecord & { bindings: ReturnType<typeof bindingView>[] }> {
    const [device] = await this.devices.findByIds([id]);
    if (!device) throw new DomainError('not_found', `device ${id} does not exist`, 'id');
    return { ...device, bindings: (await this.devices.bindingsOf([id])).map(bindingView) };
  }

  async findByRef(ref: string): Promise<DeviceRecord[]> {
    return this.devices.findByRefs([ref.toLowerCase(), ref]);
  }

  async ofContainer(user: AuthUser, containerId: string) {
    await this.containerIn(user, containerId);
    const bindings = await this.devices.bindingsOfContainer(containerId);
    const devices = await this.devices.findByIds([...new Set(bindings.map((b) => b.deviceId))]);
    return { containerId, devices, bindings: bindings.map(bindingView) };
  }

  async upsert(user: AuthUser, dto: DeviceDto): Promise<DeviceRecord> {
    const [device] = await this.devices.upsert([{ ...dto, devEui: dto.devEui?.toLowerCase() ?? null }]);
    await this.audit.record(user, 'device.upsert', { type: 'device', id: device!.id }, { ...dto });
    return device!;
  }

  /** Binds a device to a container; the device's and container's open bindings close at that moment (a sensor swap). */
  async bind(user: AuthUser, deviceId: string, containerId: string, validFrom?: string) {
    if ((await this.devices.findByIds([deviceId])).length === 0) throw new DomainError('not_found', `device ${deviceId} does not exist`, 'id');
    await this.containerIn(user, containerId);
    const from = validFrom ? new Date(validFrom) : this.clock.now();
    const binding = await this.db.transaction((tx) => new DevicesRepository(tx).bind(deviceId, containerId, from));
    await this.audit.record(user, 'device.bind', { type: 'device', id: deviceId }, { containerId, validFrom: from.toISOString() });
    return bindingView(binding);
  }

  async unbind(user: AuthUser, deviceId: string, at?: string): Promise<{ closed: boolean }> {
    const when = at ? new Date(at) : this.clock.now();
    const closed = await this.devices.unbind(deviceId, when);
    if (!closed) throw new DomainError('conflict', `device ${deviceId} has no open binding that started before ${when.toISOString()}`, 'id');
    await this.audit.record(user, 'device.unbind', { type: 'device', id: deviceId }, { at: when.toISOString() });
    return { closed };
  }

  /** Messages the ingest could not turn into readings, with their reason. */
  async rejectedMessages(query: RejectedQuery) {
    const since = query.since ? new Date(query.since) : undefined;
    const [messages, counts] = await Promise.all([
      this.rejected.recent({ reason: query.reason, since, limit: query.limit ?? 100 }),
      this.rejected.countByReason(since),
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

  private async containerIn(user: AuthUser, containerId: string): Promise<void> {
    const container = await this.containers.findById(containerId);
    if (!container) throw new DomainError('not_found', `container ${containerId} does not exist`, 'containerId');
    if (!seesDistrict(user, container.district)) throw new DomainError('forbidden', `you may not manage district ${container.district}`, 'containerId');
  }
}
