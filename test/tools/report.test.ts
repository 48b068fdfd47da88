/**
 * The report treats a notebook as untrusted input (issue 15). A corpus of XSS vectors
 * (test/fixtures/xss/) goes through every route notebook HTML takes into a report: text/html in
 * display_data and execute_result, markdown cells, text/markdown outputs, and the fields around
 * them (prompt, tags, errors, images, plot specs). The produced page is checked as text (a strict
 * tokeniser: every `<` must open a well-formed allowed tag, the only scripts are the report's own)
 * and, when Chromium is installed, in a real browser with and without the page's CSP: no dialog,
 * no canary `window.__xss`, and the legitimate content (math, tables, figures, links) still there.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as nb from '@jupyterlab/nbformat';
import { figureBundle, figureHtml, FigureSpec } from '../../lib/notebook/figure';
import { dataFrame, tableHtml } from '../../lib/notebook/table';
import { DRAW_SCRIPT, exportReport, plotlyScriptText, REPORT_SCRIPT_IDS } from '../../tools/report';
import { sanitizeReportHtml } from '../../tools/reportSanitize';
import { CHROMIUM, launchChromium, refuseNetwork } from './browser';

const FIX = path.join(__dirname, '..', 'fixtures', 'xss');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-xss-'));

const HTML_VECTORS: string[] = fs.readFileSync(path.join(FIX, 'html-vectors.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
const MD_VECTORS: string[] = [
  ...fs.readFileSync(path.join(FIX, 'markdown-vectors.md'), 'utf8').split(/^%%$/m).slice(1).map((s) => s.trim()),
  // the report's own math placeholder, forged inside a link target
  '[forged](\u0000M0\u0000) $a" onmouseover="window.__xss=1$',
];
interface PlotCase { name: string; spec: unknown; problem: string | null }
const PLOTS: PlotCase[] = (JSON.parse(fs.readFileSync(path.join(FIX, 'plot-specs.json'), 'utf8')) as { specs: PlotCase[] }).specs;

const XSS = '<img src=x onerror=window.__xss=1>';
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const SPEC: FigureSpec = { title: 'SINR <b>vs</b> power', xLabel: 'P', yLabel: 'SINR', series: [{ name: 'zf', x: [1, 2, 3], y: [1, 4, 9] }] };
const TABLE_ROWS = 5;

// ---------- a notebook holding the corpus and the legitimate content ----------

let cellNo = 0;
function code(source: string, outputs: unknown[], extra: Record<string, unknown> = {}): nb.ICodeCell {
  return { cell_type: 'code', id: `c${cellNo++}`, metadata: {}, execution_count: 1, source, outputs: outputs as nb.IOutput[], ...extra };
}
function markdown(source: string): nb.IMarkdownCell {
  return { cell_type: 'markdown', id: `m${cellNo++}`, metadata: {}, source };
}
const display = (data: Record<string, unknown>): unknown => ({ output_type: 'display_data', data, metadata: {} });
const result = (data: Record<string, unknown>): unknown => ({ output_type: 'execute_result', data, metadata: {}, execution_count: 1 });

function legitimateCells(): nb.ICell[] {
  const rows = Array.from({ length: TABLE_ROWS }, (_, i) => ({ k: i, sinr: i * 1.5, name: `<user ${i}>` }));
  return [
    markdown(
      `# Corpus ${XSS} report\n\nMath $\\sqrt{x^2+1}$ and $$\\frac{a}{b} = \\sum_k \\hat{H}_k \\cancel{y}$$\n\n` +
        `[paper](https://arxiv.org/abs/1706.03762), [mail](mailto:a@example.org), [top](#top), ` +
        `![dot](data:image/png;base64,${PNG_1PX}) ![rel](figures/plot.png)\n\n- [x] done\n- [ ] todo\n\n| a | b |\n|---|---|\n| 1 | 2 |`,
    ),
    code('showTable(df)', [display({ 'text/html': tableHtml(dataFrame(rows), { caption: 'users' }), 'text/plain': 'table' })]),
    code('progress', [display({ 'text/html': '<div style="font-family:monospace;font-size:12px"><progress value="3" max="10" style="width:240px;vertical-align:middle"></progress> 3/10</div>' })]),
    code('show(spec)', [display(figureBundle(SPEC, { includePlotly: false }))]),
    code('// a figure known only by its HTML', [display({ 'text/html': figureHtml(SPEC) })]),
    code('png', [display({ 'image/png': PNG_1PX, 'text/plain': 'png' })]),
    code('console.log', [{ output_type: 'stream', name: 'stdout', text: `${XSS}\n` }]),
  ];
}

function hostileCells(): nb.ICell[] {
  const cells: nb.ICell[] = [];
  HTML_VECTORS.forEach((v) => {
    cells.push(code(v, [display({ 'text/html': v }), result({ 'text/html': v, 'text/plain': 'x' }), display({ 'text/markdown': v })]), markdown(v));
  });
  MD_VECTORS.forEach((v) => cells.push(markdown(v), code('md', [display({ 'text/markdown': v }), result({ 'text/markdown': v })])));
  cells.push(
    code('prompt', [], { execution_count: XSS }),
    code('tags', [], { metadata: { tags: [XSS, 5] } }),
    code('error', [{ output_type: 'error', ename: '<script>window.__xss=1</script>', evalue: XSS, traceback: 'not an array' }]),
  );
  return cells;
}

/** Cells that must become error boxes, with what the box must say. */
function brokenCells(): { cells: nb.ICell[]; problems: RegExp[] } {
  const cells: nb.ICell[] = [];
  const problems: RegExp[] = [];
  const broken = (source: string, output: unknown, problem: RegExp): void => {
    cells.push(code(source, [output]));
    problems.push(problem);
  };
  for (const p of PLOTS) {
    const source = `// plot spec: ${p.name}\nshow(spec)`;
    if (p.problem === null) cells.push(code(source, [display({ 'application/vnd.plotly.v1+json': p.spec, 'text/plain': 'fig' })]));
    else broken(source, display({ 'application/vnd.plotly.v1+json': p.spec, 'text/plain': 'fig' }), new RegExp(p.problem));
  }
  broken('// spec in HTML, cut short', display({ 'text/html': '<div></div><script type="application/json" class="pw-figure-spec" data-for="x">{"data":</script>' }), /not valid JSON/);
  broken('// png that leaves its attribute', display({ 'image/png': 'AAAA" onerror="window.__xss=1' }), /image\/png output is not base64/);
  broken('// data that is no bundle', { output_type: 'display_data', data: 'x', metadata: {} }, /has no data object/);
  return { cells, problems };
}

const VALID_FIGURES = 2 + PLOTS.filter((p) => p.problem === null).length;

function writeBook(file: string, cells: nb.ICell[]): string {
  const book: nb.INotebookContent = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { precoding_workbook: { params: { label: XSS }, ok: false } },
    cells,
  };
  fs.writeFileSync(file, JSON.stringify(book));
  return file;
}

// ---------- a strict reading of the produced page ----------

interface Tag { name: string; attrs: [string, string][] }
interface Page { csp: string; title: string; tags: Tag[]; figuresJson: string; body: string }

/** A well-formed tag: allowed name characters, attribute values double-quoted with nothing to escape. */
const TAG_RE = /<\/?([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?)*)\s*\/?>/y;
const ATTR_RE = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/g;

function decodeAttr(v: string, where: string): string {
  const bad = /&(?!amp;|lt;|gt;|quot;|#39;)/.exec(v);
  assert.equal(bad, null, `${where}: attribute value with an entity beyond &amp; &lt; &gt; &quot; &#39;: ${v}`);
  return v.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Every tag of `markup`; fails unless every `<` opens a well-formed tag and no text holds a `>`. */
function tokenize(markup: string): Tag[] {
  const tags: Tag[] = [];
  let at = 0;
  for (;;) {
    const lt = markup.indexOf('<', at);
    const text = markup.slice(at, lt < 0 ? undefined : lt);
    assert.ok(!text.includes('>'), `a bare ">" in text: ${text.slice(0, 120)}`);
    if (lt < 0) return tags;
    TAG_RE.lastIndex = lt;
    const m = TAG_RE.exec(markup);
    assert.ok(m, `not a well-formed tag: ${markup.slice(lt, lt + 120)}`);
    const attrs = [...m[2].matchAll(ATTR_RE)].map((a): [string, string] => [a[1].toLowerCase(), decodeAttr(a[2] ?? '', m[0])]);
    tags.push({ name: m[1].toLowerCase(), attrs });
    at = TAG_RE.lastIndex;
  }
}

/** The page split into its fixed head, its own three scripts and the body markup (checked as it goes). */
function readPage(page: string): Page {
  const m = /^<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="([^"<>]*)"><title>([^<>]*)<\/title><style>[^<]*<\/style><style>[^<]*<\/style><\/head><body>([\s\S]*)<\/body><\/html>\n$/.exec(page);
  assert.ok(m, 'the page has the fixed head (charset, CSP, title, two style sheets) and one body');
  const body = m[3];
  const scripts = [...body.matchAll(/<script\b/gi)].map((s) => s.index ?? -1);
  assert.equal(scripts.length, 3, 'three <script> in the page: the report\'s own');
  const own = `<script id="${REPORT_SCRIPT_IDS.plotly}">${plotlyScriptText()}</script>\n` +
    `<script type="application/json" id="${REPORT_SCRIPT_IDS.figures}">`;
  const start = scripts[0];
  assert.equal(body.slice(start, start + own.length), own, 'the first two scripts: plotly.js exactly, then the figures\' JSON');
  const jsonEnd = body.indexOf('</script>', start + own.length);
  const figuresJson = body.slice(start + own.length, jsonEnd);
  const tail = `</script>\n<script id="${REPORT_SCRIPT_IDS.draw}">${DRAW_SCRIPT}</script>\n`;
  assert.equal(body.slice(jsonEnd), tail, 'then the drawing script exactly, and nothing after it');
  assert.ok(!figuresJson.includes('<'), 'the figures\' JSON holds no "<" (cannot close or open anything)');
  return { csp: decodeAttr(m[1], 'csp'), title: m[2], tags: tokenize(body.slice(0, start)), figuresJson, body: body.slice(0, start) };
}

const OWN_TAGS = ['div', 'pre', 'p', 'code', 'b', 'img'];
const POLICY_TAGS = new Set([
  ...OWN_TAGS, 'span', 'br', 'hr', 'kbd', 'samp', 'var', 'blockquote', 'q', 'abbr', 'cite', 'strong', 'i', 'em', 'u', 's', 'del', 'ins',
  'mark', 'small', 'sub', 'sup', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'details', 'summary', 'figure', 'figcaption',
  'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'svg', 'path', 'line', 'a', 'progress', 'input',
]);
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc', 'data', 'poster', 'background', 'srcset', 'cite', 'content']);
// eslint-disable-next-line no-control-regex
const squeeze = (v: string): string => v.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();

/** No script-bearing tag, no event handler, no scriptable URL, no style that loads or overlays. */
function assertInert(tags: Tag[], where: string): void {
  for (const t of tags) {
    const desc = `${where}: <${t.name} ${t.attrs.map(([k, v]) => `${k}="${v}"`).join(' ')}>`;
    assert.ok(POLICY_TAGS.has(t.name), `${desc}: a tag outside the policy`);
    for (const [k, v] of t.attrs) {
      assert.ok(!k.startsWith('on'), `${desc}: event handler`);
      assert.ok(k !== 'name' && (k !== 'id' || (t.name === 'div' && /^fig\d+$/.test(v))), `${desc}: id/name could clobber the report's globals`);
      if (URL_ATTRS.has(k)) {
        const url = squeeze(v);
        assert.ok(!/^(javascript|vbscript|data:text\/html|livescript):?/.test(url) && !url.includes('javascript:'), `${desc}: scriptable URL`);
        if (k === 'href') assert.match(url, /^(https?:|mailto:|#|[^:]*$)/, `${desc}: href scheme`);
        else if (k === 'src') assert.match(url, /^(data:image\/(png|jpeg|gif|webp|svg\+xml);base64,|[^:/\\][^:]*$)/, `${desc}: src`);
        else assert.fail(`${desc}: URL attribute ${k}`);
      }
      if (k === 'style') assert.ok(!/url\(|expression|\\|position:\s*(fixed|absolute)|@import/i.test(v), `${desc}: style`);
    }
  }
}

// ---------- tests ----------

let corpusHtml = '';
let expectedProblems: RegExp[] = [];
let pageCache: Page | undefined;
/** The corpus report, read strictly (once; a test that needs it fails if the reading does). */
const corpusPage = (): Page => (pageCache ??= readPage(fs.readFileSync(corpusHtml, 'utf8')));

before(async () => {
  const broken = brokenCells();
  expectedProblems = broken.problems;
  const file = writeBook(path.join(tmp, 'corpus.ipynb'), [...legitimateCells(), ...hostileCells(), ...broken.cells]);
  const rep = await exportReport(file, { out: path.join(tmp, 'corpus.html') });
  corpusHtml = rep.html;
});

test('the corpus: at least 40 HTML and 20 markdown vectors', () => {
  assert.ok(HTML_VECTORS.length >= 40, `${HTML_VECTORS.length} HTML vectors`);
  assert.ok(MD_VECTORS.length >= 20, `${MD_VECTORS.length} markdown vectors`);
});

test('the sanitiser alone: every vector comes out well-formed and inert', () => {
  for (const v of [...HTML_VECTORS, ...MD_VECTORS]) {
    const out = sanitizeReportHtml(v);
    assertInert(tokenize(out), `vector ${JSON.stringify(v)} -> ${JSON.stringify(out)}`);
    assert.ok(!/<script/i.test(out), `vector ${v}: a script survived`);
  }
});

test('the sanitiser keeps what KaTeX, our tables and progress bars draw with', () => {
  const keep = [
    '<span class="katex"><span class="vlist" style="height:0.8141em;vertical-align:-0.25em;margin-right:0.0278em;border-bottom-width:0.04em">x</span></span>',
    '<svg xmlns="http://www.w3.org/2000/svg" width="400em" height="1.08em" viewbox="0 0 400000 1080" preserveaspectratio="xMinYMin slice"><path d="M95,702 c-2.7,0,-7.17"></path></svg>',
    '<table class="pw-table" style="border-collapse:collapse;font-size:13px"><caption style="caption-side:top;text-align:left;font-weight:bold">c</caption><tbody><tr><td style="text-align:right">1</td></tr></tbody></table>',
    '<progress value="3" max="10" style="width:240px;vertical-align:middle"></progress>',
    '<a href="https://arxiv.org/abs/1" rel="noopener noreferrer">a</a>',
    `<img alt="x" src="data:image/png;base64,${PNG_1PX}" />`,
  ];
  for (const h of keep) assert.equal(sanitizeReportHtml(h), h);
  assert.equal(sanitizeReportHtml('<span style="color:red;background:url(x);position:fixed">a</span>'), '<span style="color:red">a</span>');
  assert.equal(sanitizeReportHtml('<a href="https://x.org" target="_blank" rel="opener">a</a>'), '<a href="https://x.org" rel="noopener noreferrer">a</a>');
});

test('the report: only its own scripts (exact), a hash-only CSP, inert notebook markup', () => {
  const page = corpusPage();
  assertInert(page.tags, 'report');
  const hash = (s: string): string => `'sha256-${crypto.createHash('sha256').update(s, 'utf8').digest('base64')}'`;
  const csp = page.csp.split('; ');
  assert.equal(csp[0], "default-src 'none'");
  assert.deepEqual(csp.filter((d) => d.startsWith('script-src')), [`script-src ${hash(plotlyScriptText())} ${hash(DRAW_SCRIPT)}`], 'scripts only by hash, and only the report\'s own');
  assert.ok(page.title.startsWith('Corpus &lt;img'), 'the title is text');
  assert.ok(page.body.includes('&lt;script&gt;window.__xss=1&lt;/script&gt;'), 'hostile code and errors are shown as text');
});

test('a bad output or plot spec is an error box naming the cell; the rest still renders', () => {
  const page = corpusPage();
  const boxes = [...page.body.matchAll(/<div class="report-error" role="alert"><b>([^<]*)<\/b>: ([^<]*)<\/div>/g)];
  assert.equal(boxes.length, expectedProblems.length, boxes.map((b) => b[2]).join('\n'));
  boxes.forEach((b, i) => {
    assert.match(b[1], /^cell \d+ \(id c\d+, `\/\/ [^`]+`\), output 1 not shown$/);
    assert.match(decodeAttr(b[2], 'box'), expectedProblems[i]);
  });
  const figs = page.tags.filter((t) => t.attrs.some(([k, v]) => k === 'class' && v === 'figure'));
  assert.equal(figs.length, VALID_FIGURES);
  for (const f of figs) assert.match(f.attrs.find(([k]) => k === 'style')?.[1] ?? '', /^width:\d+px;height:\d+px$/);
  const sized = (JSON.parse(page.figuresJson) as { fig: { layout: { width: number; height: number } } }[]).map((f) => [f.fig.layout.width, f.fig.layout.height]);
  assert.deepEqual(sized.slice(2), [[720, 440], [720, 440], [720, 440]], 'bad sizes fall back to the default');
  assert.ok(!/"__proto__"|"constructor"|"prototype"/.test(page.figuresJson), 'prototype keys dropped');
});

test('legitimate content survives: math, table rows, links, images, task lists, progress bars', () => {
  const b = corpusPage().body;
  assert.ok((b.match(/class="katex"/g) ?? []).length >= 2 && b.includes('class="katex-display"'), 'KaTeX spans');
  assert.match(b, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="[^"]+" height="[^"]+" viewbox="[^"]+" preserveaspectratio="[^"]+"><path d="/, 'the radical of \\sqrt');
  const table = /<table class="pw-table"[\s\S]*?<\/table>/.exec(b)?.[0] ?? '';
  assert.equal((table.match(/<tr>/g) ?? []).length, TABLE_ROWS + 1, 'header and every row');
  assert.match(table, /<td style="text-align:left">&lt;user 4&gt;<\/td>/);
  assert.match(b, /<a href="https:\/\/arxiv.org\/abs\/1706.03762" rel="noopener noreferrer">paper<\/a>/);
  assert.match(b, /<a href="mailto:a@example.org" rel="noopener noreferrer">mail<\/a>/);
  assert.ok(b.includes(`<img alt="dot" src="data:image/png;base64,${PNG_1PX}" />`), 'data:image/png image');
  assert.ok(b.includes('<img alt="rel" src="figures/plot.png" />'), 'relative image');
  assert.ok(b.includes('<input type="checkbox" disabled="" checked="" />'), 'task list');
  assert.match(b, /<progress value="3" max="10" style="width:240px;vertical-align:middle"><\/progress>/);
});

test('a report without figures has no script at all, and a CSP that allows none', async () => {
  const file = writeBook(path.join(tmp, 'plain.ipynb'), [markdown(`# Plain\n\n${HTML_VECTORS.join('\n\n')}`), code('x', [display({ 'text/html': HTML_VECTORS.join('\n') })])]);
  const html = fs.readFileSync((await exportReport(file, { out: path.join(tmp, 'plain.html') })).html, 'utf8');
  assert.ok(!/<script/i.test(html), 'no <script>');
  assert.ok(html.includes(`content="default-src &#39;none&#39;; script-src &#39;none&#39;;`), 'script-src none');
  const body = /<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '';
  assertInert(tokenize(body), 'plain report');
});

// ---------- in a real browser ----------

interface BrowserFindings {
  xss: unknown;
  polluted: unknown;
  scripts: string[];
  handlers: string[];
  badUrls: string[];
  forbidden: string[];
  katex: number;
  katexSvg: number;
  tableRows: number;
  drawn: number;
  figures: number;
  errorBoxes: number;
  cspViolations: string[];
  url: string;
}

/** What the page holds after load, read through the browser's own parser. */
function findings(): BrowserFindings {
  const w = window as unknown as { __xss?: unknown; __csp?: string[] };
  const all = Array.from(document.querySelectorAll('*'));
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc', 'data', 'poster', 'background'];
  return {
    xss: w.__xss,
    polluted: (Object.prototype as Record<string, unknown>).polluted,
    scripts: Array.from(document.scripts).map((s) => `${s.id}|${s.type}|${s.text.length}`),
    handlers: all.flatMap((e) => Array.from(e.attributes).filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => `${e.tagName} ${a.name}`)),
    badUrls: all.flatMap((e) => urlAttrs.map((n) => e.getAttribute(n) ?? '').filter((v) => /^\s*(javascript|vbscript|data:text)/i.test(v.replace(/[\u0000-\u001f]/g, '')))),
    forbidden: Array.from(document.querySelectorAll('iframe,object,embed,base,form,link,template,noscript,math,foreignObject,animate,set,use,image,style:not(head > style),meta:not(head > meta)')).map((e) => e.tagName),
    katex: document.querySelectorAll('span.katex').length,
    katexSvg: document.querySelectorAll('span.katex svg path').length,
    tableRows: document.querySelectorAll('table.pw-table tbody tr').length,
    drawn: document.querySelectorAll('.figure .plot-container svg.main-svg:first-child').length,
    figures: document.querySelectorAll('div.figure').length,
    errorBoxes: document.querySelectorAll('.report-error').length,
    cspViolations: w.__csp ?? [],
    url: location.href,
  };
}

const haveChromium = fs.existsSync(CHROMIUM);
const LABELS = ['report as written (with its CSP)', 'report without its CSP (the sanitiser alone)'] as const;
test('in headless Chromium: no dialog, no canary, only the report\'s scripts; math, tables and figures drawn', { skip: haveChromium ? false : `no Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; or set PRECODING_CHROMIUM)`, timeout: 60000 }, async () => {
  const browser = await launchChromium();
  try {
    const withoutCsp = path.join(tmp, 'corpus-no-csp.html');
    fs.writeFileSync(withoutCsp, fs.readFileSync(corpusHtml, 'utf8').replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, ''));
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const w = window as unknown as { __csp?: string[] };
        (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const dialogs: string[] = [];
    const requests = await refuseNetwork(context);
    const control = await context.newPage();
    await control.setContent(`<p>${XSS}</p>`);
    await control.waitForFunction(() => (window as unknown as { __xss?: unknown }).__xss === 1, undefined, { timeout: 5000 });
    const seen: Record<string, unknown> = {};
    for (const [label, file] of [[LABELS[0], corpusHtml], [LABELS[1], withoutCsp]]) {
      const p = await context.newPage();
      p.on('dialog', (d) => {
        dialogs.push(`${label}: ${d.type()} ${d.message()}`);
        void d.dismiss();
      });
      await p.goto('file://' + file, { waitUntil: 'load' });
      // a page that fails is read as it stands: the findings below say what went wrong
      await p.waitForFunction((n) => document.querySelectorAll('.figure .plot-container').length >= n, VALID_FIGURES, { timeout: 10000 }).catch(() => undefined);
      await p.waitForTimeout(500);
      const f = await p.evaluate(findings);
      seen[label] = {
        canary: f.xss ?? null,
        polluted: f.polluted ?? null,
        scripts: f.scripts.map((x) => x.replace(/\|application\/json\|\d+$/, '|application/json|')),
        handlers: f.handlers.slice(0, 5),
        badUrls: f.badUrls.slice(0, 5),
        forbidden: f.forbidden.slice(0, 5),
        math: f.katex >= 2 && f.katexSvg >= 1,
        tableRows: f.tableRows,
        figures: f.figures,
        drawn: f.drawn,
        errorBoxes: f.errorBoxes,
        cspViolations: f.cspViolations.slice(0, 5),
        url: f.url === 'file://' + file ? 'unchanged' : f.url,
      };
      await p.close();
    }
    const clean = {
      canary: null,
      polluted: null,
      scripts: [`${REPORT_SCRIPT_IDS.plotly}||${plotlyScriptText().length}`, `${REPORT_SCRIPT_IDS.figures}|application/json|`, `${REPORT_SCRIPT_IDS.draw}||${DRAW_SCRIPT.length}`],
      handlers: [],
      badUrls: [],
      forbidden: [],
      math: true,
      tableRows: TABLE_ROWS,
      figures: VALID_FIGURES,
      drawn: VALID_FIGURES,
      errorBoxes: expectedProblems.length,
      cspViolations: [],
      url: 'unchanged',
    };
    assert.deepEqual(seen, { [LABELS[0]]: clean, [LABELS[1]]: clean }, `seen: ${JSON.stringify(seen, null, 1)}`);
    assert.deepEqual(dialogs, [], 'no dialog');
    assert.deepEqual(requests, [], 'no network request');
  } finally {
    await browser.close();
  }
});
