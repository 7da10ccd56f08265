import fc from "fast-check";

/**
 * Fuzzing by mutation: a VALID payload with one field dropped, retyped or shifted to a
 * boundary. Random JSON stops at a parser's first check (the body, or the first id); a
 * one-field mutation of a good body gets past everything else and lands on the field checks.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = (string | number)[];
export type MutationOp = "drop" | "retype" | "shift";
export interface Mutation {
  path: Path;
  op: MutationOp;
  body: Json;
}

/** Every path to a node of `value` (root excluded) whose object keys are all in `readKeys` (the fields a parser reads). */
export function paths(value: Json, readKeys: ReadonlySet<string>, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) value.forEach((item, i) => out.push([...prefix, i], ...paths(item, readKeys, [...prefix, i])));
  else if (value !== null && typeof value === "object")
    for (const [key, item] of Object.entries(value)) if (readKeys.has(key)) out.push([...prefix, key], ...paths(item, readKeys, [...prefix, key]));
  return out;
}

const RETYPES: Json[] = [null, true, "7", 7, [], {}];
const kindOf = (v: Json) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Numbers around the limits the parsers use (0, 1, 10,000, 1,000,000, 2^53) and off-integers. */
const shiftNumber = (n: number): number[] => [n - 1, n + 1, 0, -1, 2.5, 10_000, 10_001, 1_000_000, 1_000_001, -1_000_001, 2 ** 53, 2 ** 53 + 2];
/** Strings at and past the length limits the parsers use (64, 100, 200, 255), empty, and with a forbidden character. */
const shiftString = (s: string): string[] => [
  "",
  ...[64, 65, 100, 101, 200, 201, 255, 256].map((n) => "A".repeat(n)),
  `${s}{`,
  `${s} |x`,
  `${s}\u0000`,
  `${s}Z`,
];

function alternatives(op: MutationOp, value: Json): Json[] {
  if (op === "retype") return RETYPES.filter((r) => kindOf(r) !== kindOf(value));
  if (typeof value === "number") return shiftNumber(value);
  if (typeof value === "string") return shiftString(value);
  if (Array.isArray(value)) return [[], [...value, ...value]];
  return RETYPES.filter((r) => kindOf(r) !== kindOf(value));
}

function mutate(body: Json, path: Path, op: MutationOp, pick: number): Json {
  const copy = structuredClone(body);
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, copy) as Record<string | number, Json> | Json[];
  const key = path.at(-1)!;
  if (op === "drop") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
    return copy;
  }
  const options = alternatives(op, (parent as Record<string | number, Json>)[key]!);
  (parent as Record<string | number, Json>)[key] = options[pick % options.length]!;
  return copy;
}

/**
 * One mutation of one of `bodies` (each valid), at a path the parser reads. The field is drawn
 * by shape first (`line_items.N.sku` counts once, however many lines there are), so top-level
 * fields are hit as often as the fields repeated in every line.
 */
export const mutationArbitrary = (bodies: readonly Json[], readKeys: ReadonlySet<string>, keep: (path: Path) => boolean = () => true): fc.Arbitrary<Mutation> =>
  fc
    .constantFrom(...bodies)
    .chain((body) => {
      const byShape = new Map<string, Path[]>();
      for (const p of paths(body, readKeys).filter(keep)) byShape.set(fieldShape(dotted(p)), [...(byShape.get(fieldShape(dotted(p))) ?? []), p]);
      const path = fc.constantFrom(...byShape.values()).chain((group) => fc.constantFrom(...group));
      return fc.tuple(fc.constant(body), path, fc.constantFrom<MutationOp>("drop", "retype", "shift"), fc.nat({ max: 1_000 }));
    })
    .map(([body, path, op, pick]) => ({ path, op, body: mutate(body, path, op, pick) }));

export const dotted = (path: Path): string => path.map(String).join(".");

/**
 * Whether a rejection's field names the mutation: the mutated field itself or something inside
 * it (a retyped object fails at its first member), or, when an array element was dropped, the array.
 */
export function namesMutation(field: string, mutation: Pick<Mutation, "path" | "op">): boolean {
  const path = dotted(mutation.path);
  if (field === path || field.startsWith(`${path}.`)) return true;
  return mutation.op === "drop" && typeof mutation.path.at(-1) === "number" && field === dotted(mutation.path.slice(0, -1));
}

/** `events.12.quantity` → `events.N.quantity`, to count which checks a fuzz run reached. */
export const fieldShape = (field: string): string => field.replace(/\.\d+(?=\.|$)/g, ".N");
