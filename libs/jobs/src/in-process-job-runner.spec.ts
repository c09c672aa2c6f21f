import { InProcessJobRunner } from './in-process-job-runner';
import { jobRunnerContract } from './testing/runner-contract';

describe(InProcessJobRunner.name, () => {
  jobRunnerContract(() => new InProcessJobRunner());
});
