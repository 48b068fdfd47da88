/**
 * Notebook parameters, papermill-style: the cell tagged `parameters` declares them (`let n = 3;`),
 * `-p name=value` overrides them through an `injected-parameters` cell placed right after it.
 *
 * The parameters cell is parsed with the TypeScript compiler (not a regex), so `let a = 1, b = 2`
 * declares both, `const` declarations are recognised (and refused: they cannot be re-assigned), and
 * a literal default fixes the parameter's type (a number stays a number).
 */
import ts from 'typescript';
import type * as nb from '@jupyterlab/nbformat';

export type ParamValue = string | number | boolean | ParamValue[] | { [k: string]: ParamValue };

/** The type a literal default gives a parameter; `other` when the default is not a plain literal. */
export type ParamKind = 'number' | 'string' | 'boolean' | 'other';

export interface DeclaredParameter {
  name: string;
  /** `const` ones cannot be injected */
  keyword: 'let' | 'var' | 'const';
  kind: ParamKind;
}

export function sourceText(s: nb.MultilineString): string {
  return Array.isArray(s) ? s.join('') : s;
}

export function toSourceLines(text: string): string[] {
  const lines = text.split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? l + '\n' : l)).filter((l, i) => l !== '' || i < lines.length - 1);
}

/** A cell's tags; a cell without `metadata` has none. */
export function cellTags(cell: nb.ICell): string[] {
  const meta: unknown = cell.metadata;
  const t = meta && typeof meta === 'object' ? (meta as { tags?: unknown }).tags : undefined;
  return Array.isArray(t) ? t.map(String) : [];
}

function literalKind(init: ts.Expression | undefined): ParamKind {
  if (!init) return 'other';
  let e = init;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (ts.isPrefixUnaryExpression(e) && (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken)) e = e.operand;
  if (ts.isNumericLiteral(e)) return 'number';
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return 'string';
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return 'boolean';
  return 'other';
}

/** Every top-level variable a parameters cell declares, with its keyword and literal type. */
export function declaredParameterList(source: string): DeclaredParameter[] {
  const file = ts.createSourceFile('parameters.ts', source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const out: DeclaredParameter[] = [];
  for (const st of file.statements) {
    if (!ts.isVariableStatement(st)) continue;
    const flags = st.declarationList.flags;
    const keyword = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
    for (const d of st.declarationList.declarations) {
      if (ts.isIdentifier(d.name)) out.push({ name: d.name.text, keyword, kind: d.type ? typeKind(d.type) ?? literalKind(d.initializer) : literalKind(d.initializer) });
    }
  }
  return out;
}

function typeKind(t: ts.TypeNode): ParamKind | undefined {
  if (t.kind === ts.SyntaxKind.NumberKeyword) return 'number';
  if (t.kind === ts.SyntaxKind.StringKeyword) return 'string';
  if (t.kind === ts.SyntaxKind.BooleanKeyword) return 'boolean';
  return undefined;
}

/** Names a parameters cell declares (`let x = …`, `var x = …`, `const x = …`, `let a = 1, b = 2`). */
export function declaredParameters(source: string): string[] {
  return declaredParameterList(source).map((p) => p.name);
}

function checkValue(name: string, v: unknown, at: string, depth: number): void {
  if (depth > 32) throw new Error(`parameter ${name}: nested deeper than 32 levels`);
  if (v === null) throw new Error(`parameter ${name}${at}: null is not a parameter value (give a number, string, boolean, array or object)`);
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new Error(`parameter ${name}${at}: ${v} is not a finite number (float64 holds magnitudes up to about 1.8e308)`);
  }
  if (Array.isArray(v)) v.forEach((x, i) => checkValue(name, x, `${at}[${i}]`, depth + 1));
  else if (typeof v === 'object') for (const [k, x] of Object.entries(v as object)) checkValue(name, x, `${at}.${k}`, depth + 1);
}

/**
 * Parse `name=value`: the value as JSON when it parses, else as a string. Numbers must be finite
 * (`1e400` is refused, not turned into null) and null is refused, at any depth.
 */
export function parseParam(arg: string): [string, ParamValue] {
  const i = arg.indexOf('=');
  if (i <= 0) throw new Error(`parameter "${arg}" must look like name=value`);
  const key = arg.slice(0, i).trim();
  const raw = arg.slice(i + 1);
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) throw new Error(`parameter name "${key}" is not an identifier`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [key, raw];
  }
  checkValue(key, value, '', 0);
  return [key, value as ParamValue];
}

function kindOf(v: ParamValue): ParamKind {
  return typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'boolean' : 'other';
}

/**
 * The notebook with an `injected-parameters` cell after the `parameters` cell (any earlier injected
 * cell is replaced). Errors, naming the parameter: an unknown name (listing the injectable ones), a
 * `const` declaration, a value of another type than the literal default, null or a non-finite number.
 */
export function injectParameters(book: nb.INotebookContent, params: Record<string, ParamValue>): nb.INotebookContent {
  const cells = book.cells.filter((c) => !cellTags(c).includes('injected-parameters'));
  const keys = Object.keys(params);
  if (keys.length === 0) return { ...book, cells };
  const at = cells.findIndex((c) => c.cell_type === 'code' && cellTags(c).includes('parameters'));
  if (at < 0) throw new Error('the notebook has no code cell tagged "parameters"; cannot inject ' + keys.join(', '));
  const declared = declaredParameterList(sourceText(cells[at].source));
  const injectable = declared.filter((d) => d.keyword !== 'const').map((d) => d.name);
  const unknown = keys.filter((k) => !declared.some((d) => d.name === k));
  if (unknown.length) {
    throw new Error(`unknown parameter(s) ${unknown.join(', ')}; the parameters cell declares: ${injectable.join(', ') || '(none)'}`);
  }
  for (const k of keys) {
    const d = declared.find((p) => p.name === k)!;
    if (d.keyword === 'const') {
      throw new Error(`parameter ${k} is declared with const in the parameters cell and cannot be set; declare it with let`);
    }
    checkValue(k, params[k], '', 0);
    const given = kindOf(params[k]);
    if (d.kind !== 'other' && given !== d.kind) {
      throw new Error(`parameter ${k} is a ${d.kind} in the parameters cell; got ${given === 'other' ? 'an array or object' : `a ${given}`} (${JSON.stringify(params[k])})`);
    }
  }
  // the trailing `undefined;` keeps tslab from printing the last assigned value
  const src = ['// Injected parameters', ...keys.map((k) => `${k} = ${JSON.stringify(params[k])};`), 'undefined;'].join('\n');
  const injected: nb.ICodeCell = {
    id: 'injected-parameters',
    cell_type: 'code',
    execution_count: null,
    metadata: { tags: ['injected-parameters'] },
    outputs: [],
    source: toSourceLines(src),
  };
  return { ...book, cells: [...cells.slice(0, at + 1), injected, ...cells.slice(at + 1)] };
}
