import { QuickJSFFI } from '@jitl/quickjs-wasmfile-release-sync/ffi';
import moduleLoader from '@jitl/quickjs-wasmfile-release-sync/emscripten-module';
import {
  newQuickJSWASMModuleFromVariant, type QuickJSContext, type QuickJSRuntime, type QuickJSSyncVariant, type QuickJSWASMModule,
} from 'quickjs-emscripten-core';

/**
 * The release build of QuickJS for synchronous calls, loaded with static
 * imports: the package's own variant loads its module with a dynamic
 * import(), which a CommonJS process under a VM loader (Jest) cannot run.
 */
const variant: QuickJSSyncVariant = {
  type: 'sync',
  importFFI: () => Promise.resolve(QuickJSFFI),
  importModuleLoader: () => Promise.resolve(moduleLoader),
};

/** Limits of one codec's sandbox. */
export interface CodecLimits {
  /** CPU time one call may use before it is stopped, milliseconds. */
  cpuMs: number;
  /** Memory of the codec's interpreter (code, data, everything it allocates), bytes. */
  memoryBytes: number;
  /** Longest JSON the codec may return, characters. */
  maxOutputChars: number;
}

export const DEFAULT_CODEC_LIMITS: CodecLimits = { cpuMs: 50, memoryBytes: 16 * 1024 * 1024, maxOutputChars: 64 * 1024 };

/** What The Things Network's codec format hands `decodeUplink`. */
export interface CodecInput {
  bytes: number[];
  fPort: number;
  /** ISO-8601: the sandbox passes JSON, so a Date arrives as its string. */
  recvTime?: string;
}

/** A codec's answer in The Things Network's format, or why there is none. */
export type CodecOutcome =
  | { ok: true; data: Record<string, unknown>; warnings: string[] }
  | { ok: false; detail: string };

let modulePromise: Promise<QuickJSWASMModule> | null = null;
/** QuickJS compiled to WebAssembly, loaded once per process (a few milliseconds, about 1 MB). */
function quickJs(): Promise<QuickJSWASMModule> {
  modulePromise ??= newQuickJSWASMModuleFromVariant(variant);
  return modulePromise;
}

const cpuMsNow = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * One vendor codec (`function decodeUplink(input) { return { data, warnings,
 * errors } }`, the format of The Things Network's device repository) in a
 * QuickJS interpreter of its own: plain ECMAScript with no network, file
 * system, timers or module loader, a memory limit, and a CPU-time limit per
 * call. A call that throws, runs out of time or memory, or answers something
 * that is not the format's shape becomes `{ ok: false, detail }`; after a
 * call that was stopped the interpreter is built again from the source, so a
 * half-finished state never leaks into the next call.
 */
export class CodecSandbox {
  private runtime: QuickJSRuntime | null = null;
  private context: QuickJSContext | null = null;
  private deadlineCpuMs = 0;

  private constructor(
    private readonly module: QuickJSWASMModule,
    readonly name: string,
    private readonly source: string,
    private readonly limits: CodecLimits,
  ) {}

  /** Loads a codec; fails when the source does not compile or defines no decodeUplink function. */
  static async load(name: string, source: string, limits: Partial<CodecLimits> = {}): Promise<CodecSandbox> {
    const sandbox = new CodecSandbox(await quickJs(), name, source, { ...DEFAULT_CODEC_LIMITS, ...limits });
    const problem = sandbox.start();
    if (problem) {
      sandbox.dispose();
      throw new Error(`codec ${name}: ${problem}`);
    }
    return sandbox;
  }

  decode(input: CodecInput): CodecOutcome {
    if (!this.context) {
      const problem = this.start();
      if (problem) return { ok: false, detail: `codec ${this.name}: ${problem}` };
    }
    const context = this.context as QuickJSContext;
    this.deadlineCpuMs = cpuMsNow() + this.limits.cpuMs;
    const started = cpuMsNow();
    const result = context.evalCode(`JSON.stringify(decodeUplink(${JSON.stringify(input)}))`, 'call.js');
    if (result.error) {
      const error = context.dump(result.error) as { name?: string; message?: string } | string;
      result.error.dispose();
      const message = typeof error === 'object' && error !== null ? `${error.name ?? 'Error'}: ${error.message ?? ''}` : String(error);
      const outOfMemory = /out of memory/i.test(message);
      const stopped = !outOfMemory && (/interrupted/i.test(message) || cpuMsNow() - started >= this.limits.cpuMs);
      // A stopped interpreter may hold half-built state: the next call starts from the source again.
      if (stopped || outOfMemory) this.dispose();
      if (stopped) return { ok: false, detail: `codec ${this.name}: stopped after ${this.limits.cpuMs} ms of CPU (a loop?)` };
      if (outOfMemory) return { ok: false, detail: `codec ${this.name}: used more than ${Math.round(this.limits.memoryBytes / 1024 / 1024)} MiB` };
      return { ok: false, detail: `codec ${this.name} threw ${message.slice(0, 300)}` };
    }
    const text = context.dump(result.value) as unknown;
    result.value.dispose();
    if (typeof text !== 'string') return { ok: false, detail: `codec ${this.name}: decodeUplink returned nothing JSON can hold` };
    if (text.length > this.limits.maxOutputChars) return { ok: false, detail: `codec ${this.name}: answer of ${text.length} characters, more than ${this.limits.maxOutputChars}` };
    return readOutput(this.name, JSON.parse(text) as unknown);
  }

  dispose(): void {
    this.context?.dispose();
    this.runtime?.dispose();
    this.context = null;
    this.runtime = null;
  }

  /** Builds the interpreter and runs the source; the problem when it fails. */
  private start(): string | null {
    const runtime = this.module.newRuntime();
    runtime.setMemoryLimit(this.limits.memoryBytes);
    runtime.setMaxStackSize(512 * 1024);
    runtime.setInterruptHandler(() => cpuMsNow() > this.deadlineCpuMs);
    const context = runtime.newContext();
    this.runtime = runtime;
    this.context = context;
    // Loading the source (top-level code included) gets ten times a call's budget, at least
    // a second: the clock is the process's CPU, and while a fresh interpreter starts it also
    // counts V8 compiling the interpreter's WebAssembly on its own threads (a 50 ms budget
    // was used up that way on a busy machine). A top-level loop is still stopped.
    this.deadlineCpuMs = cpuMsNow() + Math.max(10 * this.limits.cpuMs, 1000);
    const loaded = context.evalCode(this.source, `${this.name}.js`);
    if (loaded.error) {
      const error = context.dump(loaded.error) as { message?: string } | string;
      loaded.error.dispose();
      this.dispose();
      return `does not load: ${typeof error === 'object' && error !== null ? error.message : String(error)}`;
    }
    loaded.value.dispose();
    const kind = context.evalCode('typeof decodeUplink');
    const type = kind.error ? 'undefined' : (context.dump(kind.value) as string);
    if (kind.error) kind.error.dispose();
    else kind.value.dispose();
    if (type !== 'function') {
      this.dispose();
      return 'defines no function decodeUplink(input)';
    }
    return null;
  }
}

/** Checks the codec's answer against the format: `{ data: object, warnings?: string[], errors?: string[] }`. */
function readOutput(name: string, output: unknown): CodecOutcome {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return { ok: false, detail: `codec ${name}: decodeUplink must return an object { data, warnings, errors }` };
  const { data, warnings, errors } = output as Record<string, unknown>;
  const strings = (value: unknown): string[] | null => (value === undefined ? [] : Array.isArray(value) ? value.map((v) => String(v)) : null);
  const errorList = strings(errors);
  const warningList = strings(warnings);
  if (errorList === null || warningList === null) return { ok: false, detail: `codec ${name}: warnings and errors must be arrays of strings` };
  if (errorList.length > 0) return { ok: false, detail: `codec ${name} reported: ${errorList.join('; ').slice(0, 300)}` };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { ok: false, detail: `codec ${name}: data must be an object, got ${Array.isArray(data) ? 'an array' : data === null ? 'null' : typeof data}` };
  return { ok: true, data: data as Record<string, unknown>, warnings: warningList };
}
