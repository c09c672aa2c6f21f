import { Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { DomainError } from '@vulgraad/contracts';
import { toCsv } from '@vulgraad/csv';
import type { HttpResponse } from '../common/http';
import { Public } from '../auth/auth.decorators';
import { entityIdOf, toWasteContainer } from './ngsi-ld';
import { OpenDataService } from './open-data.service';
import { ApiController } from '../common/api-controller';

const CONTAINER_COLUMNS = [
  'id', 'external_ref', 'lng', 'lat', 'district', 'address', 'waste_type', 'container_type', 'volume_l', 'fill_pct', 'fill_measured_at',
  'fill_avg_pct_30d', 'fill_max_pct_30d', 'full_days_30d', 'emptyings_30d', 'emptyings_per_week', 'last_emptied_at', 'next_visit_at', 'status',
];
const DISTRICT_COLUMNS = ['district', 'containers', 'volume_l', 'fill_now_avg_pct', 'fill_avg_pct_30d', 'containers_full_now', 'emptyings_30d', 'emptyings_per_container_per_week'];

/**
 * Open data: the only routes anyone may call without logging in. Aggregated
 * and non-personal: no users, devices, vehicles or driver notes.
 */
@ApiController('api/open-data', 'open data')
export class OpenDataController {
  constructor(private readonly openData: OpenDataService) {}

  @Public()
  @Get('containers.geojson')
  @ApiOperation({ summary: 'Every container: location, waste type, fill now and over 30 days, emptying frequency (GeoJSON)' })
  async containersGeoJson(@Res() res: HttpResponse): Promise<void> {
    const snapshot = await this.openData.snapshot();
    res.type('application/geo+json').send(
      JSON.stringify({
        type: 'FeatureCollection',
        generatedAt: snapshot.generatedAt,
        windowDays: snapshot.windowDays,
        features: snapshot.containers.map(({ lng, lat, ...properties }) => ({ type: 'Feature', id: properties.id, geometry: { type: 'Point', coordinates: [lng, lat] }, properties })),
      }),
    );
  }

  @Public()
  @Get('containers.csv')
  @ApiOperation({ summary: 'The same as CSV' })
  async containersCsv(@Res() res: HttpResponse): Promise<void> {
    const { containers } = await this.openData.snapshot();
    res.type('text/csv; charset=utf-8').setHeader('content-disposition', 'attachment; filename="containers.csv"');
    res.send(
      toCsv(
        CONTAINER_COLUMNS,
        containers.map((c) => [
          c.id, c.externalRef, c.lng, c.lat, c.district, c.address, c.wasteType, c.containerType, c.volumeL, c.fillPct, c.fillMeasuredAt,
          c.fillAvgPct, c.fillMaxPct, c.fullDays, c.emptyings, c.emptyingsPerWeek, c.lastEmptiedAt, c.nextVisitAt, c.status,
        ]),
      ),
    );
  }

  @Public()
  @Get('districts.json')
  @ApiOperation({ summary: 'Fill statistics and emptying frequency per district' })
  async districtsJson() {
    const snapshot = await this.openData.snapshot();
    return { generatedAt: snapshot.generatedAt, windowDays: snapshot.windowDays, districts: snapshot.districts };
  }

  @Public()
  @Get('districts.csv')
  async districtsCsv(@Res() res: HttpResponse): Promise<void> {
    const { districts } = await this.openData.snapshot();
    res.type('text/csv; charset=utf-8').setHeader('content-disposition', 'attachment; filename="districts.csv"');
    res.send(toCsv(DISTRICT_COLUMNS, districts.map((d) => [d.district, d.containers, d.volumeL, d.fillNowAvgPct, d.fillAvgPct, d.containersFullNow, d.emptyings, d.emptyingsPerContainerPerWeek])));
  }

  @Public()
  @Get('ngsi-ld/v1/entities')
  @ApiOperation({ summary: 'FIWARE Smart Data Models WasteContainer entities (NGSI-LD, JSON-LD)' })
  @ApiQuery({ name: 'type', required: false, description: 'WasteContainer' })
  @ApiQuery({ name: 'options', required: false, description: 'keyValues for the simplified form' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  async entities(@Res() res: HttpResponse, @Query('type') type?: string, @Query('options') options?: string, @Query('limit') limit?: string, @Query('offset') offset?: string): Promise<void> {
    if (type !== undefined && type !== 'WasteContainer') throw new DomainError('validation', 'only type WasteContainer is offered', 'type');
    const take = limit === undefined ? 1000 : Number(limit);
    const skip = offset === undefined ? 0 : Number(offset);
    if (!Number.isInteger(take) || take < 1 || take > 10_000) throw new DomainError('validation', 'limit must be 1..10000', 'limit');
    if (!Number.isInteger(skip) || skip < 0) throw new DomainError('validation', 'offset must be a whole number >= 0', 'offset');
    const { containers } = await this.openData.snapshot();
    const form = options === 'keyValues' ? 'keyValues' : 'normalized';
    res.type('application/ld+json').setHeader('ngsild-results-count', String(containers.length));
    res.send(JSON.stringify(containers.slice(skip, skip + take).map((c) => toWasteContainer(c, form))));
  }

  @Public()
  @Get('ngsi-ld/v1/entities/:id')
  async entity(@Param('id') id: string, @Res() res: HttpResponse, @Query('options') options?: string): Promise<void> {
    const { containers } = await this.openData.snapshot();
    const container = containers.find((c) => entityIdOf(c.id) === id || c.id === id);
    if (!container) throw new DomainError('not_found', `no WasteContainer ${id}`, 'id');
    res.type('application/ld+json').send(JSON.stringify(toWasteContainer(container, options === 'keyValues' ? 'keyValues' : 'normalized')));
  }
}
