import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The server's layers (docs/design.md, "Layers"), read from the import statements of
 * packages/server/src: `import type` counts as an import, since a type cycle is a layering cycle
 * too. Surfaces (oauth, api, web, sdk) call services (domain), which call repositories (storage).
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

interface Import {
  from: string;
  /** A file of src (`web/session.ts`), or a package name. */
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every import and re-export of a file, static or dynamic, resolved to a file of src where relative. */
function importsOf(file: string, text: string): Import[] {
  const from = relative(SRC, file);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const to = specifier.startsWith('.')
      ? relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')
      : specifier;
    found.push({ from, to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allNamedTypes =
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier.text, clause !== undefined && (clause.isTypeOnly || (!clause.name && allNamedTypes)));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The folder a file of src belongs to; a file at the top (`app.ts`) is a unit of its own. */
function unitOf(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? file : file.slice(0, slash);
}

/** The cycles of a directed graph: its strongly connected components with more than one node or a self-loop. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const connect = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of edges.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || edges.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) connect(node);
  return found;
}

function graph(imports: Import[], key: (file: string) => string): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    if (!to.endsWith('.ts')) continue;
    const [a, b] = [key(from), key(to)];
    if (!edges.has(a)) edges.set(a, new Set());
    if (!edges.has(b)) edges.set(b, new Set());
    if (a !== b || key === identity) edges.get(a)!.add(b);
  }
  return edges;
}

const identity = (file: string) => file;

const files = sourceFiles(SRC);
const imports = files.flatMap((file) => importsOf(file, readFileSync(file, 'utf8')));
const describeImport = (i: Import) => `${i.from} → ${i.to}${i.typeOnly ? ' (type)' : ''}`;

describe('layers of packages/server/src', () => {
  it('reads the imports it judges (a sanity check of the parser)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(imports).toContainEqual({ from: 'app.ts', to: 'web/plugin.ts', typeOnly: false });
    expect(imports).toContainEqual({ from: 'app.ts', to: 'app-context.ts', typeOnly: true });
    expect(imports.filter((i) => i.to.endsWith('.ts') && !files.includes(join(SRC, i.to)))).toEqual([]);
  });

  it('has no import cycle between files', () => {
    expect(cycles(graph(imports, identity))).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    // Each edge inside a cycle, with the first import that makes it, says what to move.
    const offending = cycles(graph(imports, unitOf)).map((component) => {
      const edges = new Map<string, string>();
      for (const i of imports) {
        const [a, b] = [unitOf(i.from), unitOf(i.to)];
        if (a !== b && component.includes(a) && component.includes(b) && !edges.has(`${a} → ${b}`)) {
          edges.set(`${a} → ${b}`, describeImport(i));
        }
      }
      return [...edges].map(([edge, example]) => `${edge}: ${example}`);
    });
    expect(offending).toEqual([]);
  });

  it('keeps the domain free of surfaces and frameworks: protocol, lib, config and storage types only', () => {
    const allowed = (i: Import) =>
      i.to === '@grantboard/protocol' ||
      i.to.startsWith('node:') ||
      ['domain', 'lib', 'config'].includes(unitOf(i.to)) ||
      (unitOf(i.to) === 'storage' && i.typeOnly);
    expect(imports.filter((i) => unitOf(i.from) === 'domain' && !allowed(i)).map(describeImport)).toEqual([]);
  });

  it('gives the web pages and the Web SDK host services, never repositories', () => {
    const surfaces = imports.filter((i) => ['web', 'sdk'].includes(unitOf(i.from)));
    expect(surfaces.filter((i) => unitOf(i.to) === 'storage' && !i.typeOnly).map(describeImport)).toEqual([]);
    const mentions = files
      .filter((file) => ['web', 'sdk'].includes(unitOf(relative(SRC, file))))
      .filter((file) => /\brepos\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(mentions).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself can fail)', () => {
    const sample = [
      ...importsOf(join(SRC, 'web/a.ts'), "import { b } from '../sdk/b.js';"),
      ...importsOf(join(SRC, 'sdk/b.ts'), "import type { A } from '../web/a.js';"),
      ...importsOf(join(SRC, 'sdk/c.ts'), "export { x } from './d.js'; const d = () => import('./c.js');"),
    ];
    expect(sample.map(describeImport)).toEqual([
      'web/a.ts → sdk/b.ts',
      'sdk/b.ts → web/a.ts (type)',
      'sdk/c.ts → sdk/d.ts',
      'sdk/c.ts → sdk/c.ts',
    ]);
    expect(cycles(graph(sample, unitOf))).toEqual([['sdk', 'web']]);
    expect(cycles(graph(sample, identity))).toEqual([['sdk/b.ts', 'web/a.ts'], ['sdk/c.ts']]);
  });
});
