import { FAR, type Instance, UNREACHABLE_AT } from './instance';
import { LocalSearch, type SolutionFigures } from './local-search';
import { Rng } from './rng';

/** Tuning of the hybrid genetic search (defaults follow Vidal 2022). */
export interface SolverParams {
  /** Survivors kept per subpopulation. */
  mu: number;
  /** Offspring added before a survivor selection. */
  lambda: number;
  /** Best individuals protected by the biased fitness. */
  nbElite: number;
  /** Neighbours averaged for the diversity contribution. */
  nbClose: number;
  /** Share of local-search results that should be feasible; penalties adapt towards it. */
  targetFeasible: number;
  /** Probability of repairing an infeasible child with ten-fold penalties. */
  repairProbability: number;
  /** Iterations without improvement before the population restarts. */
  restartAfter: number;
  /** Initial population size as a multiple of mu. */
  initialFactor: number;
  /** Share of the time limit the initial population may take at most. */
  initialTimeShare: number;
  /** Crossover moves between 1 and this share of the parents' routes (at least one). */
  crossoverShare: number;
  /** SWAP* only when the cheaper moves stall. */
  lazySwapStar: boolean;
  /**
   * Scale mu and lambda to the iterations the limits allow: a short run on a
   * big instance does better with a small population.
   */
  adaptivePopulation: boolean;
}

/** Shares of the limit at which a run without a complete feasible solution repairs its closest one. */
const REPAIR_AT = [0.6, 0.8, 0.9];

/** Default parameters. */
export const DEFAULT_PARAMS: SolverParams = {
  mu: 25,
  lambda: 40,
  nbElite: 4,
  nbClose: 5,
  targetFeasible: 0.2,
  repairProbability: 0.5,
  restartAfter: 20000,
  initialFactor: 4,
  initialTimeShare: 0.15,
  crossoverShare: 1,
  lazySwapStar: false,
  adaptivePopulation: true,
};

/** One solution in the population. */
export class Individual {
  readonly fig: SolutionFigures = { cost: 0, loadExcess: 0, timeWarp: 0, missedPrize: 0, missedMandatory: 0, missedBigPrize: 0, routes: 0 };
  penalised = 0;
  feasible = false;
  biased = 0;
  /** Other individuals of the same subpopulation by increasing broken-pairs distance. */
  readonly prox: Array<{ d: number; other: Individual }> = [];

  constructor(
    readonly routes: Int32Array[],
    /** Successor of each stop (-1 = route end, -2 = not routed). */
    readonly succ: Int32Array,
    /** Predecessor of each stop (-1 = route start, -2 = not routed). */
    readonly pred: Int32Array,
  ) {}
}

/** Why the search stopped. */
export type StopReason = 'time_limit' | 'iteration_limit' | 'aborted' | 'no_improvement';

/** Limits and hooks of one run. */
export interface RunLimits {
  seed: number;
  timeLimitMs: number;
  maxIterations: number;
  onProgress?: (bestCost: number, elapsedMs: number) => void;
  shouldStop?: () => boolean;
  initialRoutes?: number[][];
  /** Stop after this many iterations without a better solution. */
  maxIterationsWithoutImprovement?: number;
  /** Milliseconds source for the time limit (default: wall clock). */
  clock?: () => number;
}

/** Result of one run. */
export interface RunResult {
  best: Individual;
  iterations: number;
  elapsedMs: number;
  stoppedBy: StopReason;
  dropMode: boolean;
}

/**
 * Hybrid genetic search (Vidal 2022, with the route-based SREX crossover of
 * PyVRP so that mixed fleets, pins and multi-trip routes cross over intact):
 * parents by binary tournament on biased fitness (cost rank plus diversity
 * rank), a child repaired by cheapest insertion, improved by the granular
 * local search under adaptive penalties, two subpopulations (feasible and
 * infeasible) trimmed by survivor selection, restarts on stagnation.
 */
export class HybridGeneticSearch {
  private readonly rng: Rng;
  private readonly ls: LocalSearch;
  private readonly feasiblePop: Individual[] = [];
  private readonly infeasiblePop: Individual[] = [];
  private penLoad: number;
  private penTW: number;
  private readonly recentLoad: boolean[] = [];
  private readonly recentTime: boolean[] = [];
  private best: Individual | null = null;
  private bestObjective = Infinity;
  private bestAny: Individual | null = null;
  private bestAnyPenalised = Infinity;
  private dropMode = false;
  private everFeasible = false;
  private readonly clock: () => number;
  private readonly startMs: number;
  private readonly mandatory: Int32Array;
  private readonly scratchStops: Int32Array;
  private params: SolverParams;
  private lastClockCheck = -Infinity;
  private lastPenaltyMs = 0;
  /** Complete (no mandatory stop left out) individual with the lowest penalised cost. */
  private bestComplete: Individual | null = null;
  private repairAt = 0;

  constructor(
    private readonly inst: Instance,
    private readonly limits: RunLimits,
    params: Partial<SolverParams> = {},
  ) {
    this.params = { ...DEFAULT_PARAMS, ...params };
    // An explicit population size is the caller's choice.
    if (params.mu !== undefined || params.lambda !== undefined) this.params.adaptivePopulation = false;
    this.clock = limits.clock ?? now;
    this.startMs = this.clock();
    this.rng = new Rng(limits.seed);
    this.ls = new LocalSearch(inst, this.rng);
    this.ls.shouldStop = () => this.outOfTimeSoon();
    this.ls.lazySwapStar = this.params.lazySwapStar;
    const mandatory: number[] = [];
    for (let c = 0; c < inst.nC; c++) if (!inst.cOptional[c]) mandatory.push(c);
    this.mandatory = Int32Array.from(mandatory);
    this.scratchStops = new Int32Array(inst.nC);
    const { penLoad, penTW } = initialPenalties(inst);
    this.penLoad = penLoad;
    this.penTW = penTW;
  }

  private elapsed(): number {
    return this.clock() - this.startMs;
  }

  private outOfTime(): boolean {
    return this.elapsed() >= this.limits.timeLimitMs || (this.limits.shouldStop?.() ?? false);
  }

  /**
   * `outOfTime` for the local search's inner loops, asked at most once per
   * millisecond of wall time: a CPU-time clock is a system call, and on a
   * 2,000-stop instance asking it every 64 stops took 7 % of the run.
   */
  private outOfTimeSoon(): boolean {
    const wall = performance.now();
    if (wall - this.lastClockCheck < 1) return false;
    this.lastClockCheck = wall;
    return this.outOfTime();
  }

  run(): RunResult {
    const { params, limits } = this;
    let iterations = 0;
    let stoppedBy: StopReason;
    // Initial population.
    // Tiny problems have few distinct local optima: fewer random starts do.
    const initialDeadline = limits.timeLimitMs * params.initialTimeShare;
    if (limits.initialRoutes) this.addFromRoutes(limits.initialRoutes.map((r) => Int32Array.from(r)));
    this.addRandom();
    this.sizePopulation(this.elapsed());
    const sized = this.params;
    const initialTarget = Math.max(2, Math.min(sized.initialFactor * sized.mu, sized.mu + 2 * this.inst.nC));
    for (let i = 1; i < initialTarget; i++) {
      if (this.elapsed() > initialDeadline) break;
      if (this.outOfTime() && this.bestAny) break;
      this.addRandom();
    }
    let sinceImprovement = 0;
    while (true) {
      if (iterations >= limits.maxIterations) {
        stoppedBy = 'iteration_limit';
        break;
      }
      if (limits.shouldStop?.()) {
        stoppedBy = 'aborted';
        break;
      }
      if (this.elapsed() >= limits.timeLimitMs) {
        stoppedBy = 'time_limit';
        break;
      }
      iterations++;
      const before = this.bestObjective;
      this.updateBiasedFitness(this.feasiblePop);
      this.updateBiasedFitness(this.infeasiblePop);
      const p1 = this.tournament();
      const p2 = this.tournament(p1);
      const childRoutes = this.crossover(p1, p2);
      this.educate(childRoutes, true);
      if (this.bestObjective < before - 1e-9) sinceImprovement = 0;
      else sinceImprovement++;
      // Penalties adapt every 100 iterations (Vidal) and at least every twentieth of the time
      // limit: a 2,000-stop run may not reach 100 children at all.
      const elapsedNow = this.elapsed();
      if (iterations % 100 === 0 || elapsedNow - this.lastPenaltyMs >= limits.timeLimitMs / 20) {
        this.managePenalties();
        this.lastPenaltyMs = elapsedNow;
      }
      // Late in a run without a complete feasible solution: push the closest one to feasibility.
      const share = Math.max(elapsedNow / limits.timeLimitMs, iterations / limits.maxIterations);
      if (this.repairAt < REPAIR_AT.length && share >= REPAIR_AT[this.repairAt]) {
        this.repairAt++;
        if (!this.best || this.best.fig.missedMandatory > 0) this.repairClosest();
      }
      if (!this.everFeasible && !this.dropMode && this.mandatory.length > 0) {
        const late = iterations >= Math.max(200, Math.floor(limits.maxIterations * 0.1)) || this.elapsed() > 0.2 * limits.timeLimitMs;
        if (late) {
          this.dropMode = true;
          this.ls.dropMode = true;
        }
      }
      if (sinceImprovement >= (limits.maxIterationsWithoutImprovement ?? Infinity)) {
        stoppedBy = 'no_improvement';
        break;
      }
      if (sinceImprovement >= params.restartAfter) {
        this.restart();
        sinceImprovement = 0;
      }
    }
    const best = this.best ?? this.bestAny;
    if (!best) {
      // Not even one individual (time limit of ~0): build one now.
      this.addRandom();
    }
    return {
      best: (this.best ?? this.bestAny) as Individual,
      iterations,
      elapsedMs: this.elapsed(),
      stoppedBy,
      dropMode: this.dropMode,
    };
  }

  /**
   * Population size from the iterations the limits leave room for: mu =
   * 25 sqrt(E / 5000) within [4, 25], E estimated from the first
   * construction (a child's local search costs about half of it) or taken
   * from the iteration limit. Without limits, or when disabled, Vidal's
   * defaults stay.
   */
  private sizePopulation(firstMs: number): void {
    if (!this.params.adaptivePopulation) return;
    let expected = this.limits.maxIterations;
    if (Number.isFinite(this.limits.timeLimitMs)) {
      const perIteration = Math.max(firstMs / 2, 1e-3);
      expected = Math.min(expected, Math.max(0, this.limits.timeLimitMs - firstMs) / perIteration);
    }
    if (!Number.isFinite(expected) || expected >= 5000) return;
    const mu = Math.max(4, Math.min(DEFAULT_PARAMS.mu, Math.round(DEFAULT_PARAMS.mu * Math.sqrt(expected / 5000))));
    this.params = { ...this.params, mu, lambda: Math.round((DEFAULT_PARAMS.lambda / DEFAULT_PARAMS.mu) * mu) };
  }

  // ------------------------------------------------------------ individuals

  private addRandom(): void {
    const empty: Int32Array[] = [];
    for (let r = 0; r < this.inst.R; r++) empty.push(new Int32Array(0));
    this.ls.load(empty);
    const order = this.scratchStops;
    let count = 0;
    for (let c = 0; c < this.inst.nC; c++) order[count++] = c;
    this.rng.shuffle(order, count);
    this.ls.insertMissing(order, count, this.penLoad, this.penTW);
    this.improveLoaded(true);
  }

  private addFromRoutes(routes: Int32Array[]): void {
    this.educate(routes, true);
  }

  /** Repairs, improves and inserts a child given as routes. */
  private educate(routes: Int32Array[], allowRepair: boolean): void {
    this.ls.load(routes);
    const order = this.scratchStops;
    let count = 0;
    for (let i = 0; i < this.mandatory.length; i++) {
      const c = this.mandatory[i];
      if (this.ls.routeOf[c] === -1) order[count++] = c;
    }
    this.rng.shuffle(order, count);
    this.ls.insertMissing(order, count, this.penLoad, this.penTW);
    this.improveLoaded(allowRepair);
  }

  private improveLoaded(allowRepair: boolean): void {
    this.ls.run(this.penLoad, this.penTW);
    const ind = this.capture();
    // In drop mode a result that leaves a mandatory stop out is no feasible sample: otherwise
    // dropping would satisfy the feasibility target and the penalties would fall while the
    // search settles for fewer stops.
    const complete = ind.fig.missedMandatory === 0;
    this.recentLoad.push(complete && ind.fig.loadExcess < 1e-9);
    this.recentTime.push(complete && ind.fig.timeWarp < 1e-9);
    this.insert(ind);
    if (!ind.feasible && allowRepair && this.rng.float() < this.params.repairProbability) {
      this.ls.run(this.penLoad * 10, this.penTW * 10);
      const repaired = this.capture();
      if (repaired.feasible) this.insert(repaired);
    }
  }

  /**
   * The complete solution closest to feasible, improved again under ten,
   * a hundred and a thousand times the penalties, each run starting where
   * the last ended, until it is feasible. With a fleet that has little
   * slack (1051_stop: 17 trucks for 12,695.5 of 13,600 yd3, trips filled to
   * 196-200 of 200) the adaptive penalties may still leave a few yards or
   * seconds over when time runs out; left to the end, stops would be dropped.
   */
  private repairClosest(): void {
    const start = this.bestComplete;
    if (!start || start.feasible) return;
    this.ls.load(start.routes);
    // Every stop stays in: high penalties would otherwise make dropping one the cheaper move.
    this.ls.dropMode = false;
    for (const factor of [10, 100, 1000]) {
      if (this.outOfTime()) break;
      this.ls.run(this.penLoad * factor, this.penTW * factor);
      const ind = this.capture();
      this.insert(ind);
      if (ind.feasible && ind.fig.missedMandatory === 0) break;
    }
    this.ls.dropMode = this.dropMode;
  }

  /** Snapshot of the local search's current solution. */
  private capture(): Individual {
    const { inst } = this;
    const routes = this.ls.export();
    const succ = new Int32Array(inst.nC).fill(-2);
    const pred = new Int32Array(inst.nC).fill(-2);
    for (const items of routes) {
      let last = -1;
      for (let i = 0; i < items.length; i++) {
        const c = items[i];
        if (c < 0) continue;
        pred[c] = last;
        if (last >= 0) succ[last] = c;
        last = c;
      }
      if (last >= 0) succ[last] = -1;
    }
    const ind = new Individual(routes, succ, pred);
    this.ls.measure(ind.fig);
    ind.feasible = ind.fig.loadExcess < 1e-9 && ind.fig.timeWarp < 1e-9 && (this.dropMode || ind.fig.missedMandatory === 0);
    this.setPenalised(ind);
    return ind;
  }

  private setPenalised(ind: Individual): void {
    const f = ind.fig;
    ind.penalised = f.cost + this.penLoad * f.loadExcess + this.penTW * f.timeWarp + f.missedPrize + f.missedBigPrize;
  }

  private objectiveOf(ind: Individual): number {
    return ind.fig.cost + ind.fig.missedPrize + ind.fig.missedBigPrize;
  }

  private insert(ind: Individual): void {
    if (ind.fig.missedMandatory === 0 && (!this.bestComplete || ind.penalised < this.bestComplete.penalised)) this.bestComplete = ind;
    if (ind.penalised < this.bestAnyPenalised) {
      this.bestAnyPenalised = ind.penalised;
      this.bestAny = ind;
    }
    if (ind.feasible) {
      this.everFeasible = true;
      const obj = this.objectiveOf(ind);
      if (obj < this.bestObjective - 1e-9) {
        this.bestObjective = obj;
        this.best = ind;
        this.limits.onProgress?.(obj, this.elapsed());
      }
    }
    const pop = ind.feasible ? this.feasiblePop : this.infeasiblePop;
    this.addToPop(pop, ind);
    if (pop.length > this.params.mu + this.params.lambda) {
      while (pop.length > this.params.mu) this.removeWorst(pop);
    }
  }

  /** Adds to a subpopulation kept sorted by penalised cost, updating the distance lists. */
  private addToPop(pop: Individual[], ind: Individual): void {
    for (const other of pop) {
      const d = this.brokenPairs(ind, other);
      insertSorted(ind.prox, d, other);
      insertSorted(other.prox, d, ind);
    }
    let at = pop.length;
    while (at > 0 && pop[at - 1].penalised > ind.penalised) at--;
    pop.splice(at, 0, ind);
  }

  private brokenPairs(a: Individual, b: Individual): number {
    const nC = this.inst.nC;
    let diff = 0;
    let routed = 0;
    for (let c = 0; c < nC; c++) {
      const ra = a.pred[c] !== -2;
      const rb = b.pred[c] !== -2;
      if (!ra && !rb) continue;
      routed++;
      if (ra !== rb) {
        diff++;
        continue;
      }
      if (a.succ[c] !== b.succ[c] && a.succ[c] !== b.pred[c]) diff++;
      if (a.pred[c] === -1 && b.pred[c] !== -1 && b.succ[c] !== -1) diff++;
    }
    return routed === 0 ? 0 : diff / routed;
  }

  private updateBiasedFitness(pop: Individual[]): void {
    const size = pop.length;
    if (size === 0) return;
    if (size === 1) {
      pop[0].biased = 0;
      return;
    }
    // pop is sorted by penalised cost: its index is the cost rank.
    const nbClose = Math.min(this.params.nbClose, size - 1);
    const diversity = new Float64Array(size);
    const order: number[] = [];
    for (let i = 0; i < size; i++) {
      const prox = pop[i].prox;
      let sum = 0;
      for (let j = 0; j < nbClose; j++) sum += prox[j].d;
      diversity[i] = sum / nbClose;
      order.push(i);
    }
    order.sort((a, b) => diversity[b] - diversity[a] || a - b);
    const eliteShare = Math.max(0, 1 - this.params.nbElite / size);
    for (let rank = 0; rank < size; rank++) {
      const i = order[rank];
      pop[i].biased = i / (size - 1) + eliteShare * (rank / (size - 1));
    }
  }

  private removeWorst(pop: Individual[]): void {
    this.updateBiasedFitness(pop);
    let worst = -1;
    let worstClone = false;
    let worstFit = -Infinity;
    for (let i = 1; i < pop.length; i++) {
      const ind = pop[i];
      const clone = ind.prox.length > 0 && ind.prox[0].d < 1e-9;
      if ((clone && !worstClone) || (clone === worstClone && ind.biased > worstFit)) {
        worst = i;
        worstClone = clone;
        worstFit = ind.biased;
      }
    }
    if (worst < 0) worst = pop.length - 1;
    const [gone] = pop.splice(worst, 1);
    for (const other of pop) {
      const idx = other.prox.findIndex((p) => p.other === gone);
      if (idx >= 0) other.prox.splice(idx, 1);
    }
  }

  private tournament(not?: Individual): Individual {
    const total = this.feasiblePop.length + this.infeasiblePop.length;
    const pick = (): Individual => {
      const i = this.rng.int(total);
      return i < this.feasiblePop.length ? this.feasiblePop[i] : this.infeasiblePop[i - this.feasiblePop.length];
    };
    let a = pick();
    let b = pick();
    if (not && total > 2) {
      for (let tries = 0; a === not && tries < 4; tries++) a = pick();
      for (let tries = 0; b === not && tries < 4; tries++) b = pick();
    }
    return a.biased <= b.biased ? a : b;
  }

  private managePenalties(): void {
    const target = this.params.targetFeasible;
    const adapt = (samples: boolean[], pen: number): number => {
      if (samples.length === 0) return pen;
      const share = samples.filter(Boolean).length / samples.length;
      if (share < target - 0.05) pen = Math.min(pen * 1.2, 1e6);
      else if (share > target + 0.05) pen = Math.max(pen * 0.85, 1e-6);
      return pen;
    };
    this.penLoad = adapt(this.recentLoad, this.penLoad);
    if (this.inst.timed) this.penTW = adapt(this.recentTime, this.penTW);
    this.recentLoad.length = 0;
    this.recentTime.length = 0;
    for (const ind of this.infeasiblePop) this.setPenalised(ind);
    this.infeasiblePop.sort((a, b) => a.penalised - b.penalised);
  }

  private restart(): void {
    this.feasiblePop.length = 0;
    this.infeasiblePop.length = 0;
    const keep = this.best;
    const target = Math.max(2, this.params.initialFactor * this.params.mu);
    for (let i = 0; i < target && !this.outOfTime(); i++) this.addRandom();
    if (keep) this.insertCopy(keep);
  }

  private insertCopy(ind: Individual): void {
    const copy = new Individual(ind.routes, ind.succ, ind.pred);
    Object.assign(copy.fig, ind.fig);
    copy.feasible = ind.feasible;
    copy.penalised = ind.penalised;
    this.addToPop(copy.feasible ? this.feasiblePop : this.infeasiblePop, copy);
  }

  // ------------------------------------------------------------- crossover

  /**
   * Selective route exchange: a group of neighbouring routes of parent A
   * replaces the routes of parent B that share most stops with it; stops
   * left out are repaired later by cheapest insertion.
   */
  private crossover(a: Individual, b: Individual): Int32Array[] {
    const { inst, rng } = this;
    const R = inst.R;
    const usedA: number[] = [];
    const usedB: number[] = [];
    for (let r = 0; r < R; r++) {
      if (hasStop(a.routes[r])) usedA.push(r);
      if (hasStop(b.routes[r])) usedB.push(r);
    }
    const child = b.routes.map((items) => items);
    if (usedA.length === 0) return child;
    const maxMove = Math.max(1, Math.ceil(this.params.crossoverShare * Math.min(usedA.length, Math.max(1, usedB.length))));
    const moveCount = 1 + rng.int(maxMove);
    // Routes of A: a seed route and the routes most connected to the group.
    const routeOfA = new Int32Array(inst.nC).fill(-1);
    for (const r of usedA) for (const c of a.routes[r]) if (c >= 0) routeOfA[c] = r;
    const selectedA = new Uint8Array(R);
    const score = new Float64Array(R);
    const groupA: number[] = [];
    const addA = (r: number): void => {
      selectedA[r] = 1;
      groupA.push(r);
      const G = Math.min(5, inst.granular);
      for (const c of a.routes[r]) {
        if (c < 0) continue;
        for (let j = 0; j < G; j++) {
          const other = routeOfA[inst.neighbours[c * inst.granular + j]];
          if (other >= 0 && !selectedA[other]) score[other] += 1;
        }
      }
    };
    addA(usedA[rng.int(usedA.length)]);
    while (groupA.length < moveCount) {
      let bestR = -1;
      let bestS = -1;
      for (const r of usedA) {
        if (selectedA[r]) continue;
        const s = score[r] + rng.float() * 0.5;
        if (s > bestS) {
          bestS = s;
          bestR = r;
        }
      }
      if (bestR < 0) break;
      addA(bestR);
    }
    const inA = new Uint8Array(inst.nC);
    for (const r of groupA) for (const c of a.routes[r]) if (c >= 0) inA[c] = 1;
    // Routes of B that overlap most with the group.
    const overlap = usedB.map((r) => {
      let o = 0;
      for (const c of b.routes[r]) if (c >= 0 && inA[c]) o++;
      return { r, o: o + rng.float() * 0.5 };
    });
    overlap.sort((x, y) => y.o - x.o);
    const removedB = new Uint8Array(R);
    for (let i = 0; i < Math.min(groupA.length, overlap.length); i++) removedB[overlap[i].r] = 1;
    for (let r = 0; r < R; r++) {
      if (removedB[r]) child[r] = new Int32Array(0);
      else if (child[r].length > 0) child[r] = child[r].filter((c) => c < 0 || !inA[c]);
    }
    // Place A's routes on free vehicles of the same type.
    for (const r of groupA) {
      let target = -1;
      if (!hasStop(child[r])) target = r;
      else {
        for (let w = 0; w < R; w++) {
          if (inst.vType[w] === inst.vType[r] && !hasStop(child[w])) {
            target = w;
            break;
          }
        }
      }
      if (target >= 0) child[target] = a.routes[r];
    }
    return child;
  }
}

function hasStop(items: Int32Array): boolean {
  for (let i = 0; i < items.length; i++) if (items[i] >= 0) return true;
  return false;
}

function insertSorted(list: Array<{ d: number; other: Individual }>, d: number, other: Individual): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].d < d) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, { d, other });
}

/** Starting penalties: one unit of excess load or time warp costs about as much as a long edge. */
function initialPenalties(inst: Instance): { penLoad: number; penTW: number } {
  const { n, dist } = inst;
  const dur = inst.durs[0];
  let maxDist = 0;
  let sumDist = 0;
  let sumDur = 0;
  let cells = 0;
  const step = Math.max(1, Math.floor((n * n) / 200000));
  for (let i = 0; i < n * n; i += step) {
    const d = dist[i];
    if (d >= UNREACHABLE_AT) continue;
    if (d > maxDist) maxDist = d;
    sumDist += d;
    sumDur += dur[i] < UNREACHABLE_AT ? dur[i] : 0;
    cells++;
  }
  let maxDemand = 0;
  for (let i = 0; i < inst.nC * inst.dims; i += inst.dims) maxDemand = Math.max(maxDemand, inst.cDemand[i]);
  let cDist = 0;
  for (let r = 0; r < inst.R; r++) cDist = Math.max(cDist, inst.vCDist[r]);
  const scale = Math.max(cDist, 1e-9);
  // Prizes are part of the objective too: excess must not be cheaper than a prize.
  let maxPrize = 0;
  for (let c = 0; c < inst.nC; c++) if (inst.cOptional[c]) maxPrize = Math.max(maxPrize, inst.cPrize[c]);
  const penLoad = Math.max(0.1, Math.min(1e5, Math.max(maxDist * scale, maxPrize) / Math.max(maxDemand, 1e-9)));
  const penTW = sumDur > 0 && cells > 0 ? Math.max(1e-3, Math.min(1e3, (sumDist * scale) / sumDur)) : 1;
  void FAR;
  return { penLoad, penTW };
}

function now(): number {
  return performance.now();
}
