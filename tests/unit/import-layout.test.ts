import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The folders' dependency direction and the absence of file-level import cycles (type-only
 * imports included), read from the `import … from` lines the way a reviewer would: lib/ is the
 * core, harness/ serves emulators, scripts and tests, and nothing reaches back into tests/.
 */
const root = path.resolve(import.meta.dirname, "..", "..");
const SKIP = new Set(["node_modules", ".next", ".git", ".data", ".stryker-tmp", "reports", "test-results", "public"]);

/** Folder → top-level folders it must not import from. */
const FORBIDDEN: Record<string, readonly string[]> = {
  lib: ["app", "workers", "scripts", "emulators", "tests", "harness"],
  emulators: ["scripts", "tests"],
  scripts: ["tests"],
  harness: ["scripts", "tests"],
};
const ACYCLIC = ["emulators", "scripts", "harness"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [full] : [];
  });
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function resolve(from: string, spec: string): string | null {
  const base = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (base === null) return null;
  const found = [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find((c) => /\.tsx?$/.test(c) && existsSync(c) && statSync(c).isFile());
  return found ?? null;
}

const graph = new Map(
  sourceFiles(root).map((file) => {
    const text = readFileSync(file, "utf8");
    const deps = [...text.matchAll(SPECIFIER)].flatMap((m) => {
      const target = resolve(file, m[1] ?? m[2] ?? "");
      return target ? [target] : [];
    });
    return [file, new Set(deps)] as const;
  }),
);
const rel = (file: string) => path.relative(root, file);
const folder = (file: string) => rel(file).split(path.sep)[0] ?? "";

describe("import layout", () => {
  it("keeps the dependency direction between top-level folders", () => {
    const wrong = [...graph].flatMap(([file, deps]) =>
      [...deps].filter((d) => FORBIDDEN[folder(file)]?.includes(folder(d))).map((d) => `${rel(file)} -> ${rel(d)}`),
    );
    expect(wrong).toEqual([]);
  });

  it("has no import cycle in emulators/, scripts/ or harness/", () => {
    const inScope = (file: string) => ACYCLIC.includes(folder(file));
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]): void => {
      state.set(file, "open");
      for (const dep of graph.get(file) ?? []) {
        if (!inScope(dep)) continue;
        if (state.get(dep) === "open") cycles.push([...trail.slice(trail.indexOf(dep)), dep].map(rel).join(" -> "));
        else if (!state.has(dep)) visit(dep, [...trail, dep]);
      }
      state.set(file, "done");
    };
    for (const file of graph.keys()) if (inScope(file) && !state.has(file)) visit(file, [file]);
    expect(cycles).toEqual([]);
  });
});
