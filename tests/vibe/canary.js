// The canary: rendered after every hostile case on the same page (and on
// the next request). It checks that the interpreter it runs in is pristine:
// no added, replaced, enumerable or accessor properties on the built-ins or
// the global object, nothing frozen, and the everyday methods still work.
// Prints <p class="canary">canary ok</p>, or what it found.
function renderCanary(helpers) {
  var bad = [];
  var g = (function () { return this; })();
  var globals = ('Array,Boolean,Date,Error,EvalError,Function,Infinity,JSON,Math,NaN,Number,Object,' +
    'RangeError,ReferenceError,RegExp,String,SyntaxError,TypeError,URIError,decodeURI,' +
    'decodeURIComponent,encodeURI,encodeURIComponent,eval,isFinite,isNaN,parseFloat,parseInt,' +
    'undefined,__in,renderCanary').split(',');
  var names = Object.getOwnPropertyNames(g);
  for (var i = 0; i < names.length; i++) {
    if (globals.indexOf(names[i]) < 0) bad.push('global ' + names[i]);
  }
  var builtins = [
    ['Object', Object], ['Object.prototype', Object.prototype], ['Array', Array], ['Array.prototype', Array.prototype],
    ['String', String], ['String.prototype', String.prototype], ['Number', Number], ['Number.prototype', Number.prototype],
    ['Boolean.prototype', Boolean.prototype], ['Function.prototype', Object.getPrototypeOf(function () {})],
    ['JSON', JSON], ['Math', Math], ['Date', Date], ['Date.prototype', Date.prototype],
    ['RegExp.prototype', RegExp.prototype], ['Error.prototype', Error.prototype], ['global', g]
  ];
  var fnToString = Object.getPrototypeOf(function () {}).toString;
  for (var m = 0; m < builtins.length; m++) {
    var b = builtins[m][0], o = builtins[m][1];
    if (Object.isFrozen(o) || !Object.isExtensible(o)) bad.push(b + ' frozen');
    var own = Object.getOwnPropertyNames(o);
    for (var j = 0; j < own.length; j++) {
      var n = own[j], d = Object.getOwnPropertyDescriptor(o, n);
      if (!d) continue;  // MuJS: virtual properties (length, source...) have none
      if (d.get || d.set) { bad.push(b + '.' + n + ' accessor'); continue; }
      if (d.enumerable && b !== 'global') bad.push(b + '.' + n + ' enumerable');
      var hardened = (b === 'Function.prototype' && n === 'constructor') ||
        (b === 'global' && (n === 'Function' || n === 'eval' || n === 'renderCanary'));
      if (typeof d.value === 'function' && !hardened && fnToString.call(d.value).indexOf('[native code]') < 0)
        bad.push(b + '.' + n + ' replaced');
    }
  }
  for (var k in {}) bad.push('Object.prototype enumerable ' + k);
  for (var k2 in []) bad.push('Array.prototype enumerable ' + k2);
  var checks = [
    [1, 2].join('-') === '1-2',
    [1, 2].map(function (x) { return x * 2; }).join() === '2,4',
    [3, 1, 2].sort().join() === '1,2,3',
    'abc'.replace('b', 'x') === 'axc',
    'a,b'.split(',').length === 2,
    'a'.toUpperCase() === 'A',
    String(12) === '12',
    '' + {} === '[object Object]',
    JSON.stringify({ a: [1, 'x'] }) === '{"a":[1,"x"]}',
    JSON.parse('{"a":[1]}').a[0] === 1,
    Math.floor(1.5) === 1 && Math.max(1, 2) === 2,
    Object.keys({ a: 1, b: 2 }).join() === 'a,b',
    [1, 2].includes(2) && 'x'.padStart(3, '.') === '..x',
    typeof parseInt === 'function' && parseInt('42', 10) === 42,
    new Date(0).toISOString() === '1970-01-01T00:00:00.000Z',
    /b/.test('abc'),
    helpers.escapeHtml('<&>') === '&lt;&amp;&gt;',
  ];
  for (var c = 0; c < checks.length; c++) if (checks[c] !== true) bad.push('check ' + c);
  try {
    Object.getPrototypeOf(function () {})['constr' + 'uctor']('return 1');
    bad.push('code from strings');
  } catch (e) {
    if (!(e instanceof EvalError)) bad.push('code from strings: ' + e);
  }
  if (bad.length) return '<p class="canary">canary POLLUTED: ' + helpers.escapeHtml(bad.join('; ')) + '</p>';
  return '<p class="canary">canary ok</p>';
}
