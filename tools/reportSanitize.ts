/**
 * The report's HTML policy: every piece of notebook-controlled HTML (text/html outputs, markdown
 * and the KaTeX math in it) goes through `sanitizeReportHtml`, an allow-list (sanitize-html) of
 * inert markup: text formatting, lists, tables, links, images, the <span>/<svg> KaTeX draws math
 * with. Nothing else survives: no script, no event handler, no style sheet, no frame, object, form
 * or meta, no id or name (so notebook markup cannot clobber the report's own script's globals), and
 * no URL but http(s)/mailto links, and images that are data:image/… or relative.
 *
 * Why the output is safe whatever the parser thought: every tag it writes is an allowed one, every
 * attribute allowed and quoted, and every `<`, `>`, `&`, `"` in text or attribute values escaped;
 * none of the allowed elements is a raw-text element (script, style, textarea, title, xmp, …), so a
 * browser tokenises the output exactly as it was written.
 */

/** Attributes of a tag as sanitize-html passes them to a transform (entities decoded). */
type Attributes = Record<string, string>;
type Tag = { tagName: string; attribs: Attributes };

/**
 * The part of sanitize-html 2.18's options used here. Declared locally: @types/sanitize-html needs
 * TypeScript ≥ 5.3 to parse (the `tsc` that npm links is tslab's 5.0) and lacks `allowedEmptyAttributes`.
 */
export interface SanitizeOptions {
  allowedTags: string[];
  allowedAttributes: Record<string, string[]>;
  allowedSchemes: string[];
  allowedSchemesByTag: Record<string, string[]>;
  allowedSchemesAppliedToAttributes: string[];
  allowProtocolRelative: boolean;
  allowedStyles: Record<string, Record<string, RegExp[]>>;
  parseStyleAttributes: boolean;
  disallowedTagsMode: 'discard';
  nonTextTags: string[];
  allowVulnerableTags: boolean;
  transformTags: Record<string, (tagName: string, attribs: Attributes) => Tag>;
  allowedEmptyAttributes: string[];
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
const sanitizeHtml = require('sanitize-html') as (dirty: string, options: SanitizeOptions) => string;

/** CSS function calls a style value may contain (no url(), image(), var(), expression(), …). */
const CSS_FUNCTIONS = ['rgb', 'rgba', 'hsl', 'hsla', 'calc'];

/** A CSS value made of words, numbers, units, colours, commas and quotes, and only the calls above. */
const CSS_VALUE = new RegExp(`^(?:[-\\w\\s#%.,+/!'")]|(?<![\\w-])(?:${CSS_FUNCTIONS.join('|')})\\()*$`, 'i');

/** CSS properties notebook markup may set: what KaTeX, our tables and progress bars use, and text styling. */
const CSS_PROPERTIES = [
  'color', 'background-color', 'font', 'font-size', 'font-weight', 'font-style', 'font-family', 'font-variant',
  'line-height', 'text-align', 'text-decoration', 'text-transform', 'white-space', 'letter-spacing', 'vertical-align',
  'width', 'height', 'min-width', 'max-width', 'min-height', 'max-height', 'top', 'left', 'right', 'bottom',
  'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'padding', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border', 'border-top', 'border-right', 'border-bottom', 'border-left', 'border-color', 'border-style', 'border-width',
  'border-top-width', 'border-right-width', 'border-bottom-width', 'border-left-width', 'border-right-style',
  'border-collapse', 'border-spacing', 'border-radius', 'caption-side', 'overflow-x',
];

/** Layout values that cannot lift markup out of its cell (no fixed or absolute overlays). */
const STYLE_ENUMS: Record<string, RegExp> = {
  position: /^(?:relative|static)$/i,
  display: /^(?:inline|block|inline-block|table|table-row|table-cell|none|flex|inline-flex)$/i,
};

const allowedStyles: Record<string, RegExp[]> = {
  ...Object.fromEntries(CSS_PROPERTIES.map((p) => [p, [CSS_VALUE]])),
  ...Object.fromEntries(Object.entries(STYLE_ENUMS).map(([p, re]) => [p, [re]])),
};

/** Image sources: inline raster/SVG images (base64), or relative paths (no scheme, no //host). */
const IMAGE_DATA = /^data:image\/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

function safeImageSource(src: string | undefined): boolean {
  if (src === undefined) return false;
  // browsers drop ASCII whitespace and control characters inside a scheme ("jav&#x09;ascript:")
  // eslint-disable-next-line no-control-regex
  const squeezed = src.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (IMAGE_DATA.test(src.trim())) return true;
  return !HAS_SCHEME.test(squeezed) && !squeezed.startsWith('//') && !squeezed.startsWith('\\');
}

const TEXT_TAGS = [
  'p', 'div', 'span', 'br', 'hr', 'pre', 'code', 'kbd', 'samp', 'var', 'blockquote', 'q', 'abbr', 'cite',
  'b', 'strong', 'i', 'em', 'u', 's', 'del', 'ins', 'mark', 'small', 'sub', 'sup',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'details', 'summary', 'figure', 'figcaption',
];
const TABLE_TAGS = ['table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td'];
/** What KaTeX's HTML output draws with (radicals, wide accents, cancel lines). */
const SVG_TAGS = ['svg', 'path', 'line'];

/** The sanitize-html options of the report. */
export const REPORT_HTML_POLICY: SanitizeOptions = {
  allowedTags: [...TEXT_TAGS, ...TABLE_TAGS, ...SVG_TAGS, 'a', 'img', 'progress', 'input'],
  allowedAttributes: {
    '*': ['class', 'style', 'title', 'lang', 'dir', 'aria-hidden', 'aria-label'],
    a: ['href', 'rel'],
    img: ['src', 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan', 'align'],
    th: ['colspan', 'rowspan', 'align', 'scope'],
    col: ['span'],
    colgroup: ['span'],
    ol: ['start', 'type'],
    li: ['value'],
    details: ['open'],
    progress: ['value', 'max'],
    input: ['type', 'checked', 'disabled'],
    // htmlparser2 lower-cases attribute names; browsers restore viewBox/preserveAspectRatio in SVG
    svg: ['xmlns', 'width', 'height', 'viewbox', 'preserveaspectratio'],
    path: ['d'],
    line: ['x1', 'y1', 'x2', 'y2', 'stroke-width'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'action', 'formaction', 'xlink:href', 'srcset', 'poster', 'background'],
  allowProtocolRelative: false,
  allowedStyles: { '*': allowedStyles },
  parseStyleAttributes: true,
  disallowedTagsMode: 'discard',
  // dropped with their content, not just their tags
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'template', 'iframe', 'noembed', 'noframes', 'xmp', 'object', 'applet'],
  allowVulnerableTags: false,
  transformTags: {
    a: (tagName: string, attribs: Attributes): Tag => ({
      tagName,
      attribs: attribs.href === undefined ? {} : { href: attribs.href, rel: 'noopener noreferrer' },
    }),
    img: (tagName: string, attribs: Attributes): Tag => {
      const { src, ...rest } = attribs;
      return { tagName, attribs: safeImageSource(src) ? { ...rest, src: src as string } : rest };
    },
    // GFM task lists: a read-only check box, nothing else
    input: (_tagName: string, attribs: Attributes): Tag => ({
      tagName: 'input',
      attribs: { type: 'checkbox', disabled: '', ...(attribs.checked !== undefined ? { checked: '' } : {}) },
    }),
  },
  allowedEmptyAttributes: ['alt', 'disabled', 'checked', 'open'],
};

/** Notebook-controlled HTML made inert (see the policy above). */
export function sanitizeReportHtml(html: string): string {
  return sanitizeHtml(html, REPORT_HTML_POLICY);
}
