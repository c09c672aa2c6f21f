export * from './plans.repository';
export * from './planner-edits.repository';
export * from './district-settings.repository';
export * from './planning-data.repository';
