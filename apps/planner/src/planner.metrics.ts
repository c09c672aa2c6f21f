import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { JobFinished, QueueCounts } from '@vulgraad/jobs';

/**
 * The planner's numbers on a registry of its own (the all-in-one process
 * hosts several apps): queue depth, job durations, solve time and cost of
 * each plan, must stops that found no truck.
 */
export class PlannerMetrics {
  readonly registry = new Registry();
  readonly queueJobs: Gauge<'state'>;
  readonly jobSeconds: Histogram<'name' | 'outcome'>;
  readonly jobFailures: Counter<'name' | 'final'>;
  readonly solveSeconds: Histogram;
  readonly planSeconds: Histogram;
  readonly planCost: Gauge<'district' | 'fraction'>;
  readonly planDistanceKm: Gauge<'district' | 'fraction'>;
  readonly plansPublished: Counter<'trigger'>;
  readonly mustMissed: Counter<'district'>;
  readonly feedback: Counter<'kind'>;

  constructor(queueCounts: () => Promise<QueueCounts>, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.queueJobs = new Gauge({
      name: 'vulgraad_planner_queue_jobs',
      help: 'Jobs in the planner queue by state',
      labelNames: ['state'],
      registers,
      collect: async () => {
        const counts = await queueCounts().catch(() => null);
        if (!counts) return;
        for (const [state, n] of Object.entries(counts)) this.queueJobs.set({ state }, n);
      },
    });
    this.jobSeconds = new Histogram({
      name: 'vulgraad_planner_job_seconds', help: 'Duration of planning job attempts', labelNames: ['name', 'outcome'],
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300], registers,
    });
    this.jobFailures = new Counter({ name: 'vulgraad_planner_job_failures_total', help: 'Failed job attempts (final = no retry left)', labelNames: ['name', 'final'], registers });
    this.solveSeconds = new Histogram({ name: 'vulgraad_planner_solve_seconds', help: 'Solver time per plan', buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120], registers });
    this.planSeconds = new Histogram({ name: 'vulgraad_planner_plan_seconds', help: 'Forecast + choose + matrix + solve + geometry per plan', buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300], registers });
    this.planCost = new Gauge({ name: 'vulgraad_planner_plan_cost', help: 'Solver cost of the latest plan', labelNames: ['district', 'fraction'], registers });
    this.planDistanceKm = new Gauge({ name: 'vulgraad_planner_plan_distance_km', help: 'Kilometres of the latest plan', labelNames: ['district', 'fraction'], registers });
    this.plansPublished = new Counter({ name: 'vulgraad_planner_plans_published_total', help: 'Plans stored and published', labelNames: ['trigger'], registers });
    this.mustMissed = new Counter({ name: 'vulgraad_planner_must_missed_total', help: 'Must containers no route could take', labelNames: ['district'], registers });
    this.feedback = new Counter({ name: 'vulgraad_planner_driver_feedback_total', help: 'Driver reports handled', labelNames: ['kind'], registers });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'vulgraad_planner_' });
  }

  jobFinished(event: JobFinished): void {
    this.jobSeconds.observe({ name: event.name, outcome: event.outcome }, event.durationMs / 1000);
    if (event.outcome === 'failed') this.jobFailures.inc({ name: event.name, final: String(event.final) });
  }
}
