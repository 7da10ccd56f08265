/**
 * A subset of Shopify's search syntax (shopify.dev "Shopify API search syntax") for the
 * `query:` arguments: `field:value`, `field:"quoted value"`, `field:prefix*`, bare terms,
 * `-field:value` / `NOT`, implicit AND, and `OR` (AND binds tighter). Values compare
 * case-insensitively. Fields a resource does not know are ignored, as Shopify ignores them.
 */
export type FieldReader<T> = (item: T) => readonly string[];

interface Term {
  field: string | null;
  value: string;
  negated: boolean;
}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*(-?[A-Za-z_.]+:"(?:[^"\\]|\\.)*"|-?"(?:[^"\\]|\\.)*"|[^\s"]+)/y;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(query)) !== null) {
    if (match[1]) tokens.push(match[1]);
    if (pattern.lastIndex >= query.length) break;
  }
  return tokens;
}

const unquote = (value: string): string =>
  value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1).replace(/\\(.)/g, "$1") : value;

function parseTerm(token: string, negatedByWord: boolean): Term {
  const negated = negatedByWord || token.startsWith("-");
  const body = token.startsWith("-") ? token.slice(1) : token;
  const colon = body.indexOf(":");
  if (colon > 0 && !body.startsWith('"')) return { field: body.slice(0, colon).toLowerCase(), value: unquote(body.slice(colon + 1)), negated };
  return { field: null, value: unquote(body), negated };
}

/** OR-groups of AND-ed terms. */
function parse(query: string): Term[][] {
  const groups: Term[][] = [[]];
  let negateNext = false;
  // Grouping parentheses are flattened (AND still binds tighter than OR).
  for (const token of tokenize(query.replace(/[()]/g, " "))) {
    if (token === "OR") groups.push([]);
    else if (token === "AND") continue;
    else if (token === "NOT") negateNext = true;
    else {
      groups.at(-1)?.push(parseTerm(token, negateNext));
      negateNext = false;
    }
  }
  return groups.filter((g) => g.length > 0);
}

function matches(value: string, wanted: string): boolean {
  const a = value.toLowerCase();
  const b = wanted.toLowerCase();
  return b.endsWith("*") ? a.startsWith(b.slice(0, -1)) : a === b;
}

/**
 * A tokenized field (Shopify's `sku:` is one): the value is split into words at punctuation and
 * spaces, and an item matches when every word of the query is among its words, in any order —
 * so `sku:AB-1-2` also finds `AB-2-1` and `ab 1 2`. Shopify's search is not an exact-match
 * index (https://shopify.dev/docs/api/usage/search-syntax); clients must check hits themselves.
 */
const words = (value: string): string[] =>
  value
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
function tokenMatches(value: string, wanted: string): boolean {
  const have = new Set(words(value));
  const want = words(wanted.replace(/\*$/, ""));
  return want.length > 0 ? want.every((w) => have.has(w)) : matches(value, wanted);
}

/** `fields` maps a search field name to the values an item holds for it; `text` serves bare terms; `tokenized` names fields matched word by word. */
export function searchFilter<T>(
  query: string | null | undefined,
  fields: Record<string, FieldReader<T>>,
  text: FieldReader<T>,
  tokenized: ReadonlySet<string> = new Set(),
): (item: T) => boolean {
  if (!query || !query.trim()) return () => true;
  const groups = parse(query);
  if (groups.length === 0) return () => true;
  const termMatches = (item: T, term: Term): boolean => {
    let hit: boolean;
    if (term.field === null) {
      const needle = term.value.toLowerCase().replace(/\*$/, "");
      hit = text(item).some((v) => v.toLowerCase().includes(needle));
    } else {
      const reader = fields[term.field];
      if (!reader) return true;
      hit = reader(item).some((v) => (tokenized.has(term.field ?? "") ? tokenMatches(v, term.value) : matches(v, term.value)));
    }
    return term.negated ? !hit : hit;
  };
  return (item) => groups.some((group) => group.every((term) => termMatches(item, term)));
}
