import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONTAINER_TYPES, WASTE_FRACTIONS, type ContainerType, type WasteFraction } from '@vulgraad/contracts';
import { ArrayMinSize, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';

/** A truck as planners and admins edit it: capacity, compaction, fractions and equipment, depot, shifts, break. */
export class VehicleDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ description: 'the depot it starts and ends its day at' })
  @IsString()
  @Length(1, 100)
  depotId!: string;

  @ApiProperty({ description: 'body volume, litres of compacted waste', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(200_000)
  capacityL!: number;

  @ApiProperty({ description: 'payload, kilograms', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  capacityKg!: number;

  @ApiPropertyOptional({ description: 'loose litres pressed into one litre of body (null = PLANNER_COMPACTION_FACTOR)', minimum: 1, maximum: 20, nullable: true })
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(20)
  compactionFactor?: number | null;

  @ApiProperty({ enum: WASTE_FRACTIONS, isArray: true })
  @IsIn(WASTE_FRACTIONS, { each: true })
  @ArrayMinSize(1)
  fractions!: WasteFraction[];

  @ApiProperty({ enum: CONTAINER_TYPES, isArray: true, description: 'container types it can empty (a crane for underground)' })
  @IsIn(CONTAINER_TYPES, { each: true })
  @ArrayMinSize(1)
  equipment!: ContainerType[];

  @ApiPropertyOptional({ default: 1, description: 'multiplies travel times' })
  @IsOptional()
  @IsNumber()
  @Min(0.1)
  @Max(10)
  speedFactor?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  costPerKm?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  costPerHour?: number;

  @ApiProperty({ description: 'shift start, minutes after local midnight (every weekday unless shiftByWeekday says otherwise)' })
  @IsInt()
  @Min(0)
  @Max(1440)
  shiftStartMin!: number;

  @ApiProperty({ description: 'shift end, minutes after local midnight (up to 2880: past midnight)' })
  @IsInt()
  @Min(0)
  @Max(2880)
  shiftEndMin!: number;

  @ApiPropertyOptional({
    description: 'shift per ISO weekday ("1" = Monday) as [start, end] minutes; a weekday not listed has no shift; null = the shift above every day',
    example: { 1: [420, 930], 2: [420, 930], 3: [420, 930], 4: [420, 930], 5: [420, 930] },
    nullable: true,
  })
  @IsOptional()
  @IsObject()
  shiftByWeekday?: Record<string, [number, number]> | null;

  @ApiPropertyOptional({ description: 'the driver\'s break, minutes (null = the district\'s)', nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(240)
  breakMin?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  maxRouteDurationS?: number | null;

  @ApiPropertyOptional({ default: true, description: 'false = retired: no longer planned' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class VehicleStatusDto {
  @ApiProperty({ enum: ['in_service', 'out_of_service'], description: 'out_of_service = broken down: the rest of its day goes to other trucks' })
  @IsIn(['in_service', 'out_of_service'])
  status!: 'in_service' | 'out_of_service';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class DepotDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty()
  @IsNumber()
  @Min(-180)
  @Max(180)
  lng!: number;

  @ApiProperty()
  @IsNumber()
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string | null;
}

export class DisposalSiteDto extends DepotDto {
  @ApiProperty({ enum: WASTE_FRACTIONS, isArray: true, description: 'fractions it takes' })
  @IsIn(WASTE_FRACTIONS, { each: true })
  @ArrayMinSize(1)
  fractions!: WasteFraction[];

  @ApiPropertyOptional({ default: 0, description: 'opens, minutes after local midnight' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  openFromMin?: number;

  @ApiPropertyOptional({ default: 1440, description: 'closes, minutes after local midnight' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  openToMin?: number;

  @ApiPropertyOptional({ default: 900, description: 'time to unload, seconds' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(14_400)
  serviceTimeS?: number;
}
