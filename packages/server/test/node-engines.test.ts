import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The root package.json promises a Node.js range (`engines.node`); every package the lockfile
 * installs must accept the oldest version in it, or `npm install` warns with EBADENGINE there and
 * the package may not run (README, "Quick start").
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// npm's own range logic, already installed with better-sqlite3's build tooling.
const semver = createRequire(`${ROOT}package.json`)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

interface LockedPackage {
  version?: string;
  engines?: Record<string, string> | string[];
}

describe('Node.js versions', () => {
  it('every locked package accepts the oldest Node.js the root package.json promises', () => {
    const root = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { engines: { node: string } };
    const oldest = semver.minVersion(root.engines.node)?.version;
    expect(oldest).toMatch(/^20\./);
    const lock = JSON.parse(readFileSync(`${ROOT}package-lock.json`, 'utf8')) as {
      packages: Record<string, LockedPackage>;
    };
    const refusing = Object.entries(lock.packages)
      .filter(([, pkg]) => pkg.engines && !Array.isArray(pkg.engines) && pkg.engines.node)
      .filter(([, pkg]) => !semver.satisfies(oldest!, (pkg.engines as Record<string, string>).node!))
      .map(([path, pkg]) => `${path}@${pkg.version} wants node ${(pkg.engines as Record<string, string>).node}`);
    expect(refusing).toEqual([]);
  });
});
