import { readFileSync } from 'node:fs';

/**
 * How a process fared for CPU, from /proc (Linux; NaN elsewhere): the CPU it
 * used, and how long its main thread (where the JavaScript runs) was ready to
 * run but waited for a CPU. On a shared machine the second tells the other
 * work's load apart from the code's own cost.
 */
export interface CpuSample {
  /** User + system seconds of the whole process. */
  cpuSeconds: number;
  /** Of which system (kernel: socket reads and writes, scheduling). */
  systemSeconds: number;
  /** Seconds the main thread spent runnable in the run queue. */
  runQueueSeconds: number;
}

export function sampleCpu(pid: number | undefined): CpuSample {
  let cpuSeconds = NaN;
  let systemSeconds = NaN;
  let runQueueSeconds = NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in ticks of 1/100 s.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
    systemSeconds = Number(fields[12]) / 100;
    // schedstat: time on a CPU, time waiting in the run queue (both ns), time slices.
    runQueueSeconds = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    // Not Linux, or the process is gone.
  }
  return { cpuSeconds, systemSeconds, runQueueSeconds };
}

/** What a process used between two samples, as one phrase for a log line. */
export function describeCpu(name: string, before: CpuSample, after: CpuSample, wallSeconds: number, perUnit?: { count: number; unit: string }): string {
  const cpu = after.cpuSeconds - before.cpuSeconds;
  const waited = after.runQueueSeconds - before.runQueueSeconds;
  const per = perUnit && perUnit.count > 0 ? `, ${((cpu * 1e6) / perUnit.count).toFixed(1)} us per ${perUnit.unit}` : '';
  const system = after.systemSeconds - before.systemSeconds;
  return `${name} cpu ${cpu.toFixed(1)} s (system ${system.toFixed(1)}) in ${wallSeconds.toFixed(1)} s (${((100 * cpu) / wallSeconds).toFixed(0)} % of a core${per}), main thread waited ${waited.toFixed(1)} s for a CPU`;
}

/** The peak resident memory of a process in MB so far (VmHWM, Linux; NaN elsewhere): the memory its buffers and windows cost at their fullest. */
export function peakRssMb(pid: number | undefined): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
