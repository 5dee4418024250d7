// Two merchants on the same page of the web editor, in any browser
// (browsers.mjs; SF_BROWSER=firefox by default): each sees the other
// (presence), a save reaches the other's editor within seconds, a save over
// the other's newer version opens the conflict view with both side by
// side, a hand merge keeps both changes, and the other editor follows it.
// Screenshots <browser>-together-*.png.
import { check } from './lib.mjs';
import { launch, browserName, checkAxe, editorSignIn } from './browsers.mjs';

const admin = `http://admin.localhost:${process.env.SF_PORT}`;
const b = await launch(browserName);
const run = Date.now().toString(36);   // the marks of this run (a stack may have seen other runs)
const A = 'A was here in ' + b.name + ' ' + run;
const B = 'B was here in ' + b.name + ' ' + run;
console.log('# ' + b.version);

async function signIn(email, password) {
  const p = await b.newPage({ width: 1500, height: 950 });
  await editorSignIn(p, admin, email, password);
  await p.click({ css: 'tr', inText: 'Home', link: 'Edit' });
  await p.waitFor('.work .cm-content');
  await p.click({ css: '.blocks .pick', text: 'text' });
  await p.waitFor('.work .cm-content');
  return p;
}

async function typeAt(p, where, text) {
  await p.front();
  await p.click('.work .cm-content');
  await p.press(where);
  await p.insertText(text);
}

let a = null;
try {
  a = await signIn('owner@demo.localhost', 'demo-password');
  const bb = await signIn('second@demo.localhost', 'second-password-1');
  await a.waitFor({ css: '#presence', text: 'second@demo.localhost (on the text block)' }, { timeout: 20000 });
  await bb.waitFor({ css: '#presence', text: 'owner@demo.localhost' }, { timeout: 20000 });
  check(true, b.name + ': presence names the other merchant and the block they are on');
  await a.shot(b.name + '-together-1-presence');

  // A edits (unsaved); B edits the same block and saves first
  await typeAt(a, 'Control+Home', '// ' + A + '\n');
  await typeAt(bb, 'Control+End', '\n// ' + B + '\n');
  await bb.click({ button: 'Save draft' });
  await bb.waitFor({ css: '#status', text: 'Saved draft' });
  await a.front();
  await a.waitFor({ css: '#status', text: 'saved a block you are editing' }, { timeout: 10000 });
  check(true, b.name + ': A is told, within seconds, that B saved the block A is editing');

  // A saves: the conflict view shows both; A merges by hand and saves
  await a.click({ button: 'Save draft' });
  await a.waitFor('dialog .cm-mergeView');
  const theirs = await a.text('dialog .cm-merge-b .cm-content');
  const mine = await a.text('dialog .cm-merge-a .cm-content');
  check(theirs.includes(B) && !theirs.includes(A), b.name + ': the right side is what B saved');
  check(mine.includes(A) && !mine.includes(B), b.name + ': the left side is what A wrote');
  await a.shot(b.name + '-together-2-conflict');
  await checkAxe(a, 'the conflict view');
  await a.click('dialog .cm-merge-a .cm-content');
  await a.press('Control+End');
  await a.insertText('\n// ' + B + '\n');
  await a.click({ css: 'dialog', button: 'Save my version' });
  await a.waitFor({ css: '#status', text: 'Saved your version' });
  await a.shot(b.name + '-together-3-merged');

  // B's editor (no unsaved edits) follows A's save by itself
  await bb.front();
  await bb.waitFor({ css: '.work .cm-content', text: A });
  check(true, b.name + ": B's editor shows A's merged save without a reload");
  await bb.shot(b.name + '-together-4-followed');
  for (const [who, p] of [['A', a], ['B', bb]]) {
    const errs = await p.errors();
    check(errs.length === 0, b.name + ': no script errors or CSP violations in ' + who + "'s editor: " + errs.join(' | '));
  }
} catch (e) {
  if (a) await a.shot(b.name + '-together-failed').catch(() => {});
  throw e;
} finally {
  await b.close();
}
