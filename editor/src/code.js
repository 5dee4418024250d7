// The code editor of a block: CodeMirror 6 with JavaScript highlighting,
// bracket matching, search, the engine's validation as lint markers at
// their line and column (debounced calls to /api/cms/validate), and
// completion and hover help from the vibe-code reference
// (/api/cms/vibe/reference: the engine's own table, vref.h).
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, hoverTooltip } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { syntaxHighlighting, HighlightStyle, bracketMatching, indentOnInput, foldGutter } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';
import { javascript } from '@codemirror/lang-javascript';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { linter, lintGutter, setDiagnostics } from '@codemirror/lint';

// Token colours that keep WCAG AA contrast (4.5:1) on the editor's white
// and on its active-line tint (CodeMirror's default style does not).
const aaStyle = HighlightStyle.define([
  { tag: t.keyword, color: '#7b1fa2' },
  { tag: [t.string, t.special(t.string)], color: '#a0281a' },
  { tag: t.regexp, color: '#8a3b00' },
  { tag: t.comment, color: '#55606e', fontStyle: 'italic' },
  { tag: [t.number, t.bool, t.null], color: '#0b5394' },
  { tag: [t.definition(t.variableName), t.function(t.definition(t.variableName))], color: '#0a4f9e' },
  { tag: t.propertyName, color: '#174ea6' },
  { tag: [t.typeName, t.className], color: '#5b2c9f' },
  { tag: t.invalid, color: '#b00020' },
  { tag: t.link, textDecoration: 'underline' },
]);
const highlight = syntaxHighlighting(aaStyle);

// Diagnostics from the engine's CodeValidationResult: errors, warnings and
// security issues at their 1-based line and column.
export function diagnosticsOf(doc, result) {
  const out = [];
  const add = (list, severity, label) => {
    for (const e of list || []) {
      const line = doc.line(Math.min(Math.max(e.line || 1, 1), doc.lines));
      const from = Math.min(line.from + Math.max((e.column || 1) - 1, 0), line.to);
      const to = from < line.to ? Math.min(line.to, from + 1) : from;
      out.push({ from, to, severity, message: (label ? label + ': ' : '') + e.message, source: 'vibe' });
    }
  };
  add(result.errors, 'error', '');
  add(result.warnings, 'warning', '');
  add(result.securityIssues, 'error', 'security');
  return out;
}

function completionsFrom(ref) {
  const helpers = ref.helpers.map((h) => ({ label: h.name, type: 'function', detail: h.signature, info: h.doc }));
  const api = ref.api.map((h) => ({ label: h.name, type: 'function', detail: h.signature, info: h.doc }));
  const inputs = ref.inputs.map((i) => ({ label: i.name, type: 'variable', detail: i.type, info: i.doc }));
  const fields = [];
  const seen = new Set();
  for (const i of ref.inputs) for (const f of i.fields) {
    if (seen.has(f.name)) continue;
    seen.add(f.name);
    fields.push({ label: f.name, type: 'property', detail: f.type, info: f.doc });
  }
  return (ctx) => {
    const member = ctx.matchBefore(/([A-Za-z_$][\w$]*)\.[\w$]*$/);
    if (member) {
      const obj = member.text.slice(0, member.text.indexOf('.'));
      const from = member.from + obj.length + 1;
      const byName = ref.inputs.find((i) => i.name === obj);
      const options = obj === 'helpers' ? helpers : obj === 'api' ? api
        : byName && byName.fields.length ? byName.fields.map((f) => ({ label: f.name, type: 'property', detail: f.type, info: f.doc }))
        : fields;
      return { from, options, validFor: /^[\w$]*$/ };
    }
    const word = ctx.matchBefore(/[\w$]+$/);
    if (!word && !ctx.explicit) return null;
    return { from: word ? word.from : ctx.pos, options: inputs, validFor: /^[\w$]*$/ };
  };
}

function hoverFrom(ref) {
  const docs = new Map();
  for (const h of ref.helpers) docs.set('helpers.' + h.name, h.signature + ' → ' + h.returns + '\n' + h.doc);
  for (const h of ref.api) docs.set('api.' + h.name, h.signature + ' → ' + h.returns + '\n' + h.doc);
  for (const i of ref.inputs) docs.set(i.name, i.name + ': ' + i.type + '\n' + i.doc);
  return hoverTooltip((view, pos) => {
    const line = view.state.doc.lineAt(pos);
    const text = line.text;
    let s = pos - line.from, e = s;
    while (s > 0 && /[\w$.]/.test(text[s - 1])) s--;
    while (e < text.length && /[\w$]/.test(text[e])) e++;
    const word = text.slice(s, e);
    const key = docs.has(word) ? word : docs.has(word.split('.').slice(-2).join('.')) ? word.split('.').slice(-2).join('.') : null;
    if (!key) return null;
    return {
      pos: line.from + s, end: line.from + e, above: true,
      create() {
        const dom = document.createElement('div');
        dom.className = 'cm-vibe-doc';
        dom.textContent = docs.get(key);
        return { dom };
      },
    };
  });
}

// A code editor in parent. validate(code) resolves to a CodeValidationResult
// (or null when the call failed); onChange(code) after every edit.
export function codeEditor(parent, { code, reference, validate, onChange, label }) {
  const lint = linter(async (view) => {
    const result = await validate(view.state.doc.toString());
    return result ? diagnosticsOf(view.state.doc, result) : [];
  }, { delay: 400 });
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: code,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), foldGutter(), history(), drawSelection(),
        indentOnInput(), highlight, bracketMatching(),
        closeBrackets(), highlightActiveLine(), highlightSelectionMatches(), javascript(),
        autocompletion({ override: reference ? [completionsFrom(reference)] : [] }),
        reference ? hoverFrom(reference) : [], lint, lintGutter(),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap,
          ...completionKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ 'aria-label': label || 'Vibe code', tabindex: '0' }),
        EditorView.updateListener.of((u) => { if (u.docChanged && onChange) onChange(u.state.doc.toString()); }),
      ],
    }),
  });
  return {
    view,
    get code() { return view.state.doc.toString(); },
    set code(text) { view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }); },
    clearMarks() { view.dispatch(setDiagnostics(view.state, [])); },
    destroy() { view.destroy(); },
  };
}

// Two texts side by side with their differences marked (read-only both),
// for a block's history and a page's versions.
import { MergeView } from '@codemirror/merge';

export function diffView(parent, { a, b, labelA, labelB }) {
  const ro = [EditorState.readOnly.of(true), javascript(),
    highlight, lineNumbers()];
  return new MergeView({
    parent,
    a: { doc: a, extensions: [...ro, EditorView.contentAttributes.of({ 'aria-label': labelA, tabindex: '0' })] },
    b: { doc: b, extensions: [...ro, EditorView.contentAttributes.of({ 'aria-label': labelB, tabindex: '0' })] },
    highlightChanges: true, gutter: true,
  });
}

// The conflict view: the merchant's text (editable: merge by hand there)
// beside the version someone else saved (read-only).
export function mergeView(parent, { mine, theirs }) {
  const mv = new MergeView({
    parent,
    a: { doc: mine, extensions: [lineNumbers(), history(), javascript(), bracketMatching(),
      highlight,
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      EditorView.contentAttributes.of({ 'aria-label': 'Your version (edit here to merge)', tabindex: '0' })] },
    b: { doc: theirs, extensions: [EditorState.readOnly.of(true), lineNumbers(),
      javascript(), highlight,
      EditorView.contentAttributes.of({ 'aria-label': 'The version saved by someone else', tabindex: '0' })] },
    highlightChanges: true, gutter: true,
  });
  return { get mine() { return mv.a.state.doc.toString(); }, destroy() { mv.destroy(); } };
}
