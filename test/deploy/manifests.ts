import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * deploy/ read the way Docker Compose and kubectl read it, reduced to what the
 * deploy tests check: which vulgraad processes run, with which command,
 * environment and health checks.
 */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy');
export const COMPOSE_FILE = path.join(DEPLOY_DIR, 'compose.yaml');
export const KUBERNETES_DIR = path.join(DEPLOY_DIR, 'kubernetes');

type Json = Record<string, unknown>;

/** The image's ENTRYPOINT and CMD (exec form), from deploy/Dockerfile's last stage. */
export interface DockerImage {
  entrypoint: string[];
  cmd: string[];
  /** Sources of every COPY without --from, relative to the build context (the repository). */
  copied: string[];
  text: string;
}

export function readDockerfile(file = path.join(DEPLOY_DIR, 'Dockerfile')): DockerImage {
  const text = readFileSync(file, 'utf8');
  const stages = text.split(/^FROM\s/m);
  const last = stages[stages.length - 1] as string;
  const execForm = (instruction: string): string[] => {
    const match = new RegExp(`^${instruction}\\s+(\\[.*\\])\\s*$`, 'm').exec(last);
    if (!match) throw new Error(`deploy/Dockerfile: the last stage has no ${instruction} in exec form`);
    return JSON.parse(match[1] as string) as string[];
  };
  const copied = [...text.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].flatMap((m) => (m[1] as string).trim().split(/\s+/).slice(0, -1));
  return { entrypoint: execForm('ENTRYPOINT'), cmd: execForm('CMD'), copied, text };
}

/** KEY=VALUE lines of a .env file (what docker compose reads next to the compose file). */
export function readDotEnv(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1] as string] = (match[2] as string).trim();
  }
  return env;
}

/**
 * Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default},
 * ${VAR:?error}, ${VAR?error} and $$. A required variable that is missing
 * throws, as `docker compose config` does.
 */
export function interpolate(value: string, env: Record<string, string>, where: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    if (bare) return env[bare] ?? '';
    const raw = env[name as string];
    const missing = raw === undefined || (colon === ':' && raw === '');
    if (op === '?' && missing) throw new Error(`${where}: required variable ${name} is missing (${arg})`);
    if (op === '-' && missing) return arg ?? '';
    return raw ?? '';
  });
}

function interpolateDeep(node: unknown, env: Record<string, string>, where: string): unknown {
  if (typeof node === 'string') return interpolate(node, env, where);
  if (Array.isArray(node)) return node.map((item) => interpolateDeep(item, env, where));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateDeep(v, env, `${where}.${k}`)]));
  return node;
}

/** The compose file as docker compose sees it: merge keys (<<) applied, then ${...} interpolated from env. */
export function readCompose(env: Record<string, string>, text = readFileSync(COMPOSE_FILE, 'utf8')): Json {
  return interpolateDeep(parse(text, { merge: true }), env, 'compose') as Json;
}

export interface KubeDoc {
  file: string;
  apiVersion: string;
  kind: string;
  name: string;
  object: Json;
}

/** Every document of every YAML file in deploy/kubernetes (kustomization.yaml included). */
export function readKubernetes(dir = KUBERNETES_DIR): KubeDoc[] {
  const docs: KubeDoc[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const object = doc.toJS() as Json | null;
      if (!object) continue;
      const metadata = (object.metadata ?? {}) as Json;
      docs.push({ file, apiVersion: String(object.apiVersion), kind: String(object.kind), name: String(metadata.name ?? ''), object });
    }
  }
  return docs;
}

/** One health check of a process: an HTTP GET on a port of the container. */
export interface HttpProbe {
  kind: string;
  port: number;
  path: string;
}

/** A vulgraad process as a manifest runs it. */
export interface ProcessSpec {
  /** Where it is declared, e.g. "compose service ingest-1" or "kubernetes StatefulSet/ingest container ingest". */
  where: string;
  replicas: number;
  /** The whole command line: entry point and arguments. */
  argv: string[];
  /** Variables as the process would see them; null = set from the cluster at run time (fieldRef). */
  env: Record<string, string | null>;
  probes: HttpProbe[];
  /** Probes that are not HTTP GETs (exec, tcpSocket), named for the report. */
  otherProbes: string[];
  /** Container ports by name (Kubernetes). */
  namedPorts: Record<string, number>;
  resources: Json | undefined;
}

export const isVulgraadImage = (image: unknown): boolean => typeof image === 'string' && /^(.*\/)?vulgraad(:[^/]+)?$/.test(image);

const asStringArray = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.map(String) : String(value).split(/\s+/).filter(Boolean);

/** The vulgraad processes of the (interpolated) compose file. */
export function composeProcesses(compose: Json, image: DockerImage): ProcessSpec[] {
  const services = compose.services as Record<string, Json>;
  return Object.entries(services)
    .filter(([, service]) => isVulgraadImage(service.image))
    .map(([name, service]) => {
      const environment = service.environment;
      const env: Record<string, string | null> = {};
      if (Array.isArray(environment)) {
        for (const entry of environment as string[]) {
          const [key, ...rest] = entry.split('=');
          env[key as string] = rest.join('=');
        }
      } else if (environment && typeof environment === 'object') {
        for (const [key, value] of Object.entries(environment)) env[key] = value === null ? '' : String(value);
      }
      const probes: HttpProbe[] = [];
      const otherProbes: string[] = [];
      const healthcheck = service.healthcheck as Json | undefined;
      if (healthcheck && !healthcheck.disable) {
        const test = asStringArray(healthcheck.test) ?? [];
        const url = test.find((arg) => /^https?:\/\//.test(arg));
        const isOurs = test[0] === 'CMD' && test[1] === 'node' && test[2] === 'deploy/healthcheck.js' && url !== undefined;
        if (isOurs) {
          const parsed = new URL(url as string);
          probes.push({ kind: 'healthcheck', port: Number(parsed.port || 80), path: parsed.pathname });
        } else {
          otherProbes.push(`healthcheck ${test.join(' ')}`);
        }
      }
      const deploy = (service.deploy ?? {}) as Json;
      return {
        where: `compose service ${name}`,
        replicas: Number(deploy.replicas ?? service.scale ?? 1),
        argv: [...(asStringArray(service.entrypoint) ?? image.entrypoint), ...(asStringArray(service.command) ?? image.cmd)],
        env,
        probes,
        otherProbes,
        namedPorts: {},
        resources: deploy.resources as Json | undefined,
      };
    });
}

/** Pod templates of the workload kinds, with the workload's replica count. */
export function podTemplates(
  docs: KubeDoc[],
): Array<{ doc: KubeDoc; replicas: number; pod: Json; labels: Record<string, string>; annotations: Record<string, string> }> {
  return docs.flatMap((doc) => {
    const spec = (doc.object.spec ?? {}) as Json;
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(doc.kind)) {
      const template = (spec.template ?? {}) as Json;
      const metadata = (template.metadata ?? {}) as Json;
      const labels = (metadata.labels ?? {}) as Record<string, string>;
      const annotations = (metadata.annotations ?? {}) as Record<string, string>;
      return [{ doc, replicas: doc.kind === 'Job' ? 1 : Number(spec.replicas ?? 1), pod: (template.spec ?? {}) as Json, labels, annotations }];
    }
    return [];
  });
}

/** The value a ConfigMap or Secret holds under a key (data is base64 in a Secret, stringData plain). */
function lookUp(docs: KubeDoc[], kind: 'ConfigMap' | 'Secret', name: string, key: string): string | undefined {
  const doc = docs.find((d) => d.kind === kind && d.name === name);
  if (!doc) return undefined;
  const stringData = (doc.object.stringData ?? {}) as Record<string, string>;
  const data = (doc.object.data ?? {}) as Record<string, string>;
  if (key in stringData) return String(stringData[key]);
  if (key in data) return kind === 'Secret' ? Buffer.from(String(data[key]), 'base64').toString('utf8') : String(data[key]);
  return undefined;
}

function allKeys(docs: KubeDoc[], kind: 'ConfigMap' | 'Secret', name: string): string[] {
  const doc = docs.find((d) => d.kind === kind && d.name === name);
  if (!doc) throw new Error(`envFrom names ${kind} ${name}, which no manifest defines`);
  return [...Object.keys((doc.object.data ?? {}) as Json), ...Object.keys((doc.object.stringData ?? {}) as Json)];
}

/** The vulgraad containers (init containers included) of every workload in deploy/kubernetes. */
export function kubernetesProcesses(docs: KubeDoc[], image: DockerImage): ProcessSpec[] {
  const processes: ProcessSpec[] = [];
  for (const { doc, replicas, pod, annotations } of podTemplates(docs)) {
    const initContainers = (pod.initContainers ?? []) as Json[];
    const containers = [...initContainers, ...((pod.containers ?? []) as Json[])];
    for (const container of containers.filter((c) => isVulgraadImage(c.image))) {
      const where = `kubernetes ${doc.kind}/${doc.name} container ${String(container.name)}`;
      const env: Record<string, string | null> = {};
      for (const source of (container.envFrom ?? []) as Json[]) {
        const prefix = String(source.prefix ?? '');
        const ref = (source.configMapRef ?? source.secretRef) as Json;
        const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
        for (const key of allKeys(docs, kind, String(ref.name))) env[prefix + key] = lookUp(docs, kind, String(ref.name), key) ?? '';
      }
      for (const entry of (container.env ?? []) as Json[]) {
        const name = String(entry.name);
        if ('value' in entry) {
          env[name] = String(entry.value);
          continue;
        }
        const from = (entry.valueFrom ?? {}) as Json;
        const ref = (from.secretKeyRef ?? from.configMapKeyRef) as Json | undefined;
        if (ref) {
          const value = lookUp(docs, from.secretKeyRef ? 'Secret' : 'ConfigMap', String(ref.name), String(ref.key));
          if (value === undefined) throw new Error(`${where}: ${name} refers to ${String(ref.name)}/${String(ref.key)}, which no manifest defines`);
          env[name] = value;
        } else {
          env[name] = null;
        }
      }
      const namedPorts: Record<string, number> = {};
      for (const port of (container.ports ?? []) as Json[]) if (port.name) namedPorts[String(port.name)] = Number(port.containerPort);
      const probes: HttpProbe[] = [];
      const otherProbes: string[] = [];
      for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const probe = container[kind] as Json | undefined;
        if (!probe) continue;
        const httpGet = probe.httpGet as Json | undefined;
        if (!httpGet) {
          otherProbes.push(kind);
          continue;
        }
        const port = typeof httpGet.port === 'number' ? httpGet.port : namedPorts[String(httpGet.port)];
        if (port === undefined) throw new Error(`${where}: ${kind} names port ${String(httpGet.port)}, which the container does not declare`);
        probes.push({ kind, port, path: String(httpGet.path ?? '/') });
      }
      // Prometheus' pod annotations: the scrape is one more GET the app must serve.
      if (!initContainers.includes(container) && annotations['prometheus.io/scrape'] === 'true')
        probes.push({ kind: 'prometheus.io', port: Number(annotations['prometheus.io/port']), path: annotations['prometheus.io/path'] ?? '/metrics' });
      processes.push({
        where,
        replicas,
        argv: [...(asStringArray(container.command) ?? image.entrypoint), ...(asStringArray(container.args) ?? image.cmd)],
        env,
        probes,
        otherProbes,
        namedPorts,
        resources: container.resources as Json | undefined,
      });
    }
  }
  return processes;
}

/**
 * The app a command line starts: node dist/apps/<app>/src/main.js ..., the
 * compiled build of the image; `main` is the source file it is compiled from.
 */
export function appOf(argv: string[]): { app: string; main: string; args: string[] } | null {
  const match = argv[0] === 'node' ? /^dist\/apps\/([a-z0-9-]+)\/src\/main\.js$/.exec(argv[1] ?? '') : null;
  return match ? { app: match[1] as string, main: `apps/${match[1]}/src/main.ts`, args: argv.slice(2) } : null;
}
