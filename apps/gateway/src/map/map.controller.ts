import { Get, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { HttpResponse } from '../common/http';
import { Roles } from '../auth/auth.decorators';
import { MapService, type MapConfig } from './map.service';
import { ApiController } from '../common/api-controller';

@ApiController('api/map', 'map')
export class MapController {
  constructor(private readonly map: MapService) {}

  @Roles('viewer')
  @Get('config')
  @ApiOperation({ summary: 'What the dashboard map stands on: tiles if configured, else roads or district outlines; and the bounds' })
  config(): Promise<MapConfig> {
    return this.map.mapConfig();
  }

  @Roles('viewer')
  @Get('background.geojson')
  @ApiOperation({ summary: 'The road network (GATEWAY_ROADS_GEOJSON) or the district outlines, as GeoJSON' })
  async background(@Res() res: HttpResponse): Promise<void> {
    res.type('application/geo+json').setHeader('cache-control', 'private, max-age=300');
    res.send(await this.map.background());
  }
}
