import path from 'node:path';
import ts from 'typescript';
import { type KubeDoc, REPO_ROOT } from './manifests';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** The kubernetes-models module of a kind: core kinds under v1, the others under their group/version. */
const modelModule = (doc: Pick<KubeDoc, 'apiVersion' | 'kind'>): string => `kubernetes-models/${doc.apiVersion}/${doc.kind}`;

/**
 * Validates one document against Kubernetes' OpenAPI schema of its kind
 * (kubernetes-models); returns the problems, none when it is valid. A kind
 * kubernetes-models does not know is a problem too.
 */
export function schemaProblems(doc: Pick<KubeDoc, 'apiVersion' | 'kind' | 'object'>): string[] {
  let Model: ModelClass | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Model = (require(modelModule(doc)) as Record<string, ModelClass | undefined>)[doc.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return [`no Kubernetes model for ${doc.apiVersion} ${doc.kind}`];
  try {
    new Model(doc.object).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/**
 * Kubernetes' OpenAPI schema lets unknown fields through (a misspelt
 * `livenesProbe` validates and is then silently dropped by the API server).
 * The TypeScript types of kubernetes-models do not: each document becomes an
 * object literal typed with its kind's interface, and the compiler's excess
 * property check names every field the kind does not have.
 */
export function unknownFieldProblems(docs: Array<Pick<KubeDoc, 'apiVersion' | 'kind' | 'object'> & { label: string }>): string[] {
  const file = path.join(REPO_ROOT, 'test', 'deploy', '__manifest_types__.ts');
  const lines: string[] = [];
  docs.forEach((doc, i) => {
    lines.push(`import type { I${doc.kind} as T${i} } from '${modelModule(doc)}';`);
    lines.push(`export const doc${i}: T${i} = ${JSON.stringify(doc.object)};`);
  });
  const text = lines.join('\n') + '\n';
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, languageVersion, ...rest) =>
    path.resolve(name) === file ? ts.createSourceFile(name, text, languageVersion, true) : getSourceFile.call(host, name, languageVersion, ...rest);
  host.fileExists = (name) => path.resolve(name) === file || fileExists.call(host, name);
  host.readFile = (name) => (path.resolve(name) === file ? text : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  const sourceFile = program.getSourceFile(file);
  return ts.getPreEmitDiagnostics(program, sourceFile).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : -1;
    const doc = line >= 0 ? docs[Math.floor(line / 2)] : undefined;
    return `${doc?.label ?? 'manifest'}: ${message}`;
  });
}
