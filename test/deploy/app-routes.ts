import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { sections } from '@vulgraad/config';
import ts from 'typescript';
import { REPO_ROOT } from './manifests';

/**
 * What an app's process really serves over HTTP, read from the code rather
 * than written down twice: the root module its main.ts builds (`@Module({
 * imports: [...] })`), every controller reachable from it through NestJS's
 * module metadata, their GET routes, and the variable that sets the port
 * main.ts listens on (`app.listen(config.<section>.<key>, ...)`).
 */
export interface AppHttp {
  app: string;
  /** GET routes, e.g. "/health", "/api/health". */
  getRoutes: string[];
  /** The variable of the listen port and its default. */
  portVariable: string;
  defaultPort: number;
}

type Constructor = abstract new (...args: never[]) => unknown;
interface DynamicModuleLike {
  module: Constructor;
  imports?: unknown[];
  controllers?: Constructor[];
}

const mainFile = (app: string): string => path.join(REPO_ROOT, 'apps', app, 'src', 'main.ts');

/** The entries of the root module's imports in main.ts, as the code wrote them: identifier and optional static call. */
function rootImports(source: ts.SourceFile): Array<{ name: string; method: string | null }> {
  const found: Array<{ name: string; method: string | null }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isDecorator(node) && ts.isCallExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'Module') {
      const [options] = node.expression.arguments;
      if (options && ts.isObjectLiteralExpression(options)) {
        for (const property of options.properties) {
          if (!ts.isPropertyAssignment(property) || property.name.getText(source) !== 'imports' || !ts.isArrayLiteralExpression(property.initializer)) continue;
          for (const element of property.initializer.elements) {
            if (ts.isIdentifier(element)) found.push({ name: element.text, method: null });
            else if (ts.isCallExpression(element) && ts.isPropertyAccessExpression(element.expression) && ts.isIdentifier(element.expression.expression))
              found.push({ name: element.expression.expression.text, method: element.expression.name.text });
            else throw new Error(`${source.fileName}: cannot read the root module import "${element.getText(source)}"`);
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Where each imported identifier of main.ts comes from. */
function importSources(source: ts.SourceFile): Map<string, string> {
  const sources = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) sources.set(element.name.text, statement.moduleSpecifier.text);
  }
  return sources;
}

async function controllersOf(root: unknown[]): Promise<Constructor[]> {
  const seen = new Set<unknown>();
  const controllers = new Set<Constructor>();
  const walk = async (ref: unknown): Promise<void> => {
    let entry = ref instanceof Promise ? await ref : ref;
    if (entry && typeof entry === 'object' && 'forwardRef' in entry) entry = (entry as { forwardRef: () => unknown }).forwardRef();
    if (!entry || seen.has(entry)) return;
    seen.add(entry);
    const dynamic = typeof entry === 'object' ? (entry as DynamicModuleLike) : null;
    const moduleClass = dynamic ? dynamic.module : (entry as Constructor);
    const declared = (key: string): unknown[] => (Reflect.getMetadata(key, moduleClass) as unknown[] | undefined) ?? [];
    for (const controller of [...declared(MODULE_METADATA.CONTROLLERS), ...(dynamic?.controllers ?? [])]) controllers.add(controller as Constructor);
    for (const child of [...declared(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) await walk(child);
  };
  for (const ref of root) await walk(ref);
  return [...controllers];
}

const joinPath = (...parts: string[]): string => '/' + parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');

function getRoutes(controller: Constructor): string[] {
  const bases = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined ?? '/'].flat();
  const routes: string[] = [];
  for (let proto = controller.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const handler = Object.getOwnPropertyDescriptor(proto, key)?.value as unknown;
      if (typeof handler !== 'function' || key === 'constructor') continue;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (paths === undefined || (method !== RequestMethod.GET && method !== RequestMethod.ALL)) continue;
      for (const base of bases) for (const sub of [paths].flat()) routes.push(joinPath(base, sub));
    }
  }
  return routes;
}

/** The HTTP side of an app, from its main.ts and the modules it builds. */
export async function appHttp(app: string): Promise<AppHttp> {
  const file = mainFile(app);
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  if (/setGlobalPrefix|enableVersioning|RouterModule/.test(text)) throw new Error(`${file}: a global prefix, versioning or RouterModule changes the paths; teach test/deploy/app-routes.ts to read it`);

  // The port is what startNestApp of @vulgraad/runtime listens on (`port: config.<section>.<key>`), or a direct app.listen.
  const listen = /(?:\bport:\s*|app\.listen\(\s*)config\.(\w+)\.(\w+)/.exec(text);
  if (!listen) throw new Error(`${file}: no port: config.<section>.<key> (startNestApp) or app.listen(config.<section>.<key>, ...) found`);
  const section = (sections as Record<string, Record<string, { name: string; default: unknown }>>)[listen[1] as string];
  const spec = section?.[listen[2] as string];
  if (!spec) throw new Error(`${file}: config.${listen[1]}.${listen[2]} is not a configuration variable`);

  const sources = importSources(source);
  const root: unknown[] = [];
  for (const { name, method } of rootImports(source)) {
    const specifier = sources.get(name);
    if (!specifier) throw new Error(`${file}: ${name} is not imported by name`);
    const resolved = specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : specifier;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const moduleExports = require(resolved) as Record<string, unknown>;
    const exported = moduleExports[name] as (Constructor & Record<string, (...args: unknown[]) => unknown>) | undefined;
    if (!exported) throw new Error(`${file}: ${specifier} does not export ${name}`);
    // A static module factory (forRoot) called with its defaults: only the module metadata is read, nothing is started.
    root.push(method ? exported[method]!() : exported);
  }
  const routes = (await controllersOf(root)).flatMap(getRoutes);
  return { app, getRoutes: [...new Set(routes)].sort(), portVariable: spec.name, defaultPort: Number(spec.default) };
}
