import { Get, Param, Res } from '@nestjs/common';
import { DomainError } from '@vulgraad/contracts';
import { ApiOperation } from '@nestjs/swagger';
import type { HttpResponse } from '../common/http';
import { Roles } from '../auth/auth.decorators';
import { MapService, type MapConfig } from './map.service';
import { ApiController } from '../common/api-controller';

@ApiController('api/map', 'map')
export class MapController {
  constructor(private readonly map: MapService) {}

  // A driver too: the driver's screen shows times in the city's zone it names.
  @Roles('viewer', 'driver')
  @Get('config')
  @ApiOperation({ summary: 'What the dashboard map stands on: tiles if configured, else roads or district outlines; and the bounds' })
  config(): Promise<MapConfig> {
    return this.map.mapConfig();
  }

  @Roles('viewer')
  @Get('basemap/:z/:x/:y')
  @ApiOperation({ summary: 'One vector tile of the offline base map (streets with names, water, parks, buildings from OpenStreetMap data), as JSON' })
  async basemapTile(@Param('z') z: string, @Param('x') x: string, @Param('y') y: string, @Res() res: HttpResponse): Promise<void> {
    const tile = await this.map.basemapTile(tileIndex(z, 'z'), tileIndex(x, 'x'), tileIndex(y, 'y'));
    res.type('application/json').setHeader('cache-control', 'private, max-age=3600');
    res.send(tile);
  }

  @Roles('viewer')
  @Get('background.geojson')
  @ApiOperation({ summary: 'The road network (GATEWAY_ROADS_GEOJSON) or the district outlines, as GeoJSON' })
  async background(@Res() res: HttpResponse): Promise<void> {
    res.type('application/geo+json').setHeader('cache-control', 'private, max-age=300');
    res.send(await this.map.background());
  }
}

function tileIndex(raw: string, field: string): number {
  const text = raw.replace(/\.json$/, '');
  if (!/^\d{1,7}$/.test(text)) throw new DomainError('validation', `${field} must be a whole number, got "${raw}"`, field);
  return Number(text);
}
