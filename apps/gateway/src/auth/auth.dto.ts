import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ROLES, type Role } from './roles';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ example: 'a long password' })
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'planner.noord', description: 'lower-case letters, digits and . _ @ -' })
  @IsString()
  @Matches(/^[a-zA-Z0-9._@-]{2,64}$/, { message: 'username must be 2-64 letters, digits or . _ @ -' })
  username!: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @Length(10, 256)
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(120)
  displayName?: string;

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'districts the user may see; omit or null = all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  districts?: string[] | null;

  @ApiPropertyOptional({ nullable: true, description: 'role driver: the id of their truck (required for that role)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  vehicleId?: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: 10 })
  @IsOptional()
  @IsString()
  @Length(10, 256)
  password?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(120)
  displayName?: string;

  @ApiPropertyOptional({ type: [String], nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  districts?: string[] | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ nullable: true, description: 'role driver: the id of their truck (required for that role)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  vehicleId?: string | null;
}
