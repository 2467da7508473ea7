// The Kaizen playground. KTOF is encoded and decoded in the browser with the codec's own bundle;
// token counts per model come from the server's POST /v1/optimize.
import { encode, decode, KtofDecodeError } from './ktof.min.js';
import { SAMPLES } from './samples.js';

const API_ROOT = new URL('../', location.href);
const KEY_STORAGE = 'kaizen.apiKey';
const $ = (id) => document.getElementById(id);
const utf8 = new TextEncoder();
const bytesOf = (text) => utf8.encode(text).length;
const fmt = new Intl.NumberFormat('en-US');
const pct = (fraction) => `${fraction > 0 ? '−' : fraction < 0 ? '+' : ''}${Math.abs(fraction * 100).toFixed(1)}%`;

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A textarea with a line-number gutter that can mark one line as the error line. */
class Editor {
  constructor(root) {
    this.root = root;
    this.gutter = root.querySelector('.gutter');
    this.area = root.querySelector('textarea');
    this.errorLine = 0;
    this.lines = 0;
    this.area.addEventListener('scroll', () => (this.gutter.scrollTop = this.area.scrollTop));
    this.area.addEventListener('input', () => this.render());
    this.render();
  }
  get value() { return this.area.value; }
  set value(text) { this.area.value = text; this.area.scrollTop = 0; this.render(); }
  render() {
    const count = this.area.value.split('\n').length;
    if (count === this.lines && !this.dirty) return;
    this.lines = count;
    this.dirty = false;
    const parts = [];
    for (let i = 1; i <= count; i++) parts.push(i === this.errorLine ? `<span class="error" data-line="${i}">${i}</span>` : `<span>${i}</span>`);
    this.gutter.innerHTML = parts.join('');
    this.gutter.scrollTop = this.area.scrollTop;
  }
  /** Marks `line` (1-based) as wrong; 0 clears the mark. */
  markError(line) {
    this.errorLine = line;
    this.dirty = true;
    this.root.classList.toggle('has-error', line > 0);
    this.area.setAttribute('aria-invalid', line > 0 ? 'true' : 'false');
    this.render();
  }
  /** Scrolls the error line into view. */
  revealLine(line) {
    const lineHeight = 20;
    const top = (line - 1) * lineHeight;
    if (top < this.area.scrollTop || top > this.area.scrollTop + this.area.clientHeight - lineHeight) this.area.scrollTop = Math.max(0, top - lineHeight * 3);
  }
}

const editors = {
  json: new Editor($('json-editor')),
  ktof: new Editor($('ktof-output').closest('[data-editor]')),
  decodeIn: new Editor($('decode-editor')),
  decodeOut: new Editor($('decode-output').closest('[data-editor]')),
};

function showError(element, editor, message, line) {
  element.textContent = message;
  element.hidden = !message;
  editor.markError(line ?? 0);
  if (line) editor.revealLine(line);
}

let toastTimer;
function toast(message) {
  const el = $('toast');
  el.textContent = message;
  el.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), 1600);
}

// ---- server, API key -------------------------------------------------------------------
const server = { health: null, reachable: false };
let apiKey = sessionStorage.getItem(KEY_STORAGE) || '';

function setStatus(text, state) {
  const badge = $('server-status');
  badge.textContent = text;
  badge.dataset.state = state;
}

function askForKey(message) {
  $('key-form').hidden = false;
  $('key-error').textContent = message || '';
  $('key-error').hidden = !message;
  $('key-change').hidden = true;
  setStatus('API key needed', 'key');
}

async function loadHealth() {
  try {
    const response = await fetch(API_ROOT, { headers: { accept: 'application/json' } });
    server.health = await response.json();
    server.reachable = true;
    const anonymous = server.health?.auth?.anonymous_loopback === true;
    setStatus(`Server ${server.health.version ?? ''} · ${anonymous ? 'no key needed on this machine' : apiKey ? 'API key set' : 'API key required'}`, 'ok');
    if (!anonymous && !apiKey) askForKey();
    $('key-change').hidden = anonymous || !apiKey;
  } catch {
    setStatus('Server unreachable: token counts unavailable', 'down');
  }
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('key-input').value.trim();
  if (!key) return askForKey('Enter a key first.');
  apiKey = key;
  sessionStorage.setItem(KEY_STORAGE, key);
  $('key-input').value = '';
  $('key-form').hidden = true;
  $('key-change').hidden = false;
  setStatus(`Server ${server.health?.version ?? ''} · API key set`, 'ok');
  refreshCounts();
});
$('key-change').addEventListener('click', () => {
  askForKey();
  $('key-input').focus();
});

// ---- encode ----------------------------------------------------------------------------
function selectedModels() {
  return [...document.querySelectorAll('input[name="model"]:checked')].map((box) => box.value);
}

/** The encoder options as the codec (local) and the wire (server) spell them. */
function encodeOptions() {
  const delimiter = $('delimiter').value;
  const indent = Number($('indent').value) || 2;
  const marker = $('length-marker').value;
  const local = { delimiter, indent };
  const wire = { delimiter, indent };
  if (marker === '#') { local.lengthMarker = '#'; wire.length_marker = '#'; }
  if (marker === 'none') { local.lengthMarker = false; wire.length_marker = false; }
  return { local, wire };
}

/**
 * JSON.parse, and on failure the place it failed: from V8's message when it names a position,
 * else from the KTOF decoder, which reads JSON too and always reports line and column.
 */
function parseJsonInput(text) {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const message = String(error.message).replace(/\s*\(line \d+ column \d+\)/, '');
    let line = 0;
    let column = 0;
    const lc = /line (\d+) column (\d+)/.exec(error.message);
    const pos = /position (\d+)/.exec(error.message);
    if (lc) {
      line = Number(lc[1]);
      column = Number(lc[2]);
    } else if (pos) {
      const before = text.slice(0, Number(pos[1]));
      line = before.split('\n').length;
      column = before.length - before.lastIndexOf('\n');
    } else {
      try {
        decode(text);
      } catch (located) {
        if (located instanceof KtofDecodeError) ({ line, column } = located);
      }
    }
    const where = line ? `Line ${line}${column ? `, column ${column}` : ''}: ` : '';
    return { error: `${where}${message}`, line };
  }
}

let current = null; // { value, ktofLocal }
let inFlight = null;

function renderBytes(jsonText, value, ktof) {
  const compact = bytesOf(JSON.stringify(value));
  const kt = bytesOf(ktof);
  $('json-bytes').textContent = `${fmt.format(bytesOf(jsonText))} bytes`;
  $('ktof-bytes').textContent = `${fmt.format(kt)} bytes`;
  const saved = compact ? 1 - kt / compact : 0;
  $('bytes-summary').innerHTML = `Bytes: compact JSON <b>${fmt.format(compact)}</b> → KTOF <b>${fmt.format(kt)}</b>: <strong>${pct(saved)}</strong>`;
}

function renderTokens(tokenStats, source) {
  const list = $('token-rows');
  list.replaceChildren();
  for (const [model, t] of Object.entries(tokenStats)) {
    const ratio = t.original ? t.compressed / t.original : 1;
    const saving = 1 - ratio;
    const li = document.createElement('li');
    li.className = 'token-row';
    li.dataset.model = model;
    li.innerHTML = `
      <div class="name"><span class="model"></span><small></small></div>
      <div class="bar" role="img"><div class="fill"></div><div class="label"><span class="ktof-count"></span><span class="json-count"></span></div></div>
      <div class="pct"></div>`;
    li.querySelector('.model').textContent = model;
    li.querySelector('small').textContent = `${t.encoding}${t.estimated ? ' · estimate' : ''}`;
    li.querySelector('.fill').style.width = `${Math.min(100, ratio * 100).toFixed(1)}%`;
    li.querySelector('.ktof-count').textContent = `KTOF ${fmt.format(t.compressed)}`;
    li.querySelector('.json-count').textContent = `JSON ${fmt.format(t.original)}`;
    li.querySelector('.bar').setAttribute('aria-label', `${model}: KTOF ${t.compressed} tokens, JSON ${t.original} tokens, ${pct(saving)}`);
    const cell = li.querySelector('.pct');
    cell.textContent = pct(saving);
    cell.classList.toggle('worse', saving < 0);
    list.append(li);
  }
  $('savings-source').textContent = source;
  $('tokens-note').textContent = Object.keys(tokenStats).length ? 'Tokens of compact JSON vs KTOF, counted by the server.' : 'Pick at least one model to count tokens.';
}

function clearTokens(note) {
  $('token-rows').replaceChildren();
  $('savings-source').textContent = '';
  $('tokens-note').textContent = note;
}

/** No valid input: nothing on the right may still describe the previous JSON. */
function clearEncoded(note) {
  current = null;
  inFlight?.abort();
  editors.ktof.value = '';
  $('json-bytes').textContent = $('ktof-bytes').textContent = $('bytes-summary').textContent = '';
  clearTokens(note);
}

function runEncode() {
  const text = editors.json.value;
  if (!text.trim()) {
    showError($('json-error'), editors.json, '');
    clearEncoded('Paste JSON, drop a .json file, or pick a sample.');
    return;
  }
  const parsed = parseJsonInput(text);
  if (parsed.error) {
    showError($('json-error'), editors.json, `Invalid JSON. ${parsed.error}`, parsed.line);
    clearEncoded('Fix the JSON to see KTOF and token counts.');
    return;
  }
  showError($('json-error'), editors.json, '');
  const { local } = encodeOptions();
  let ktof;
  try {
    ktof = encode(parsed.value, local);
  } catch (error) {
    showError($('json-error'), editors.json, `Cannot encode: ${error.message}`);
    clearEncoded('This JSON cannot be encoded as KTOF.');
    return;
  }
  current = { value: parsed.value, ktof };
  editors.ktof.value = ktof;
  renderBytes(text, parsed.value, ktof);
  refreshCounts();
}

const refreshCounts = debounce(async () => {
  if (!current) return;
  const asked = current;
  const models = selectedModels();
  if (!server.reachable) return clearTokens('The server is unreachable, so tokens cannot be counted. KTOF above is encoded in your browser.');
  if (!apiKey && server.health?.auth?.anonymous_loopback !== true) return clearTokens('Enter an API key above to count tokens per model.');
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  $('tokens-note').textContent = 'Counting tokens…';
  const headers = { 'content-type': 'application/json' };
  if (apiKey) headers['x-api-key'] = apiKey;
  try {
    const response = await fetch(new URL('v1/optimize', API_ROOT), {
      method: 'POST',
      headers,
      body: JSON.stringify({ data: current.value, options: encodeOptions().wire, token_models: models }),
      signal: controller.signal,
    });
    const body = await response.json().catch(() => ({}));
    if (current !== asked) return; // the JSON changed (or became invalid) meanwhile
    if (response.status === 401 || response.status === 403) {
      if (apiKey) sessionStorage.removeItem(KEY_STORAGE);
      apiKey = '';
      askForKey(body.detail ? `The server said: ${body.detail}` : 'The server needs an API key.');
      return clearTokens('Enter an API key above to count tokens per model.');
    }
    if (!response.ok) return clearTokens(`The server could not count tokens: ${typeof body.detail === 'string' ? body.detail : `HTTP ${response.status}`}`);
    if (body.result !== editors.ktof.value) editors.ktof.value = body.result;
    renderBytes(editors.json.value, current.value, body.result);
    renderTokens(body.token_stats ?? {}, '(from /v1/optimize)');
  } catch (error) {
    if (error.name !== 'AbortError') clearTokens(`Token counts failed: ${error.message}`);
  } finally {
    if (inFlight === controller) inFlight = null;
  }
}, 250);

const encodeSoon = debounce(runEncode, 150);
$('json-input').addEventListener('input', encodeSoon);
for (const id of ['delimiter', 'indent', 'length-marker']) $(id).addEventListener('change', runEncode);
$('indent').addEventListener('input', encodeSoon);
for (const box of document.querySelectorAll('input[name="model"]')) box.addEventListener('change', refreshCounts);

const sampleSelect = $('sample');
for (const sample of SAMPLES) sampleSelect.append(new Option(sample.label, sample.id));
function loadSample(id) {
  const sample = SAMPLES.find((s) => s.id === id);
  if (!sample) return;
  editors.json.value = JSON.stringify(sample.data, null, 2);
  sampleSelect.value = id;
  runEncode();
}
sampleSelect.addEventListener('change', () => loadSample(sampleSelect.value));

async function loadFile(file) {
  if (!file) return;
  editors.json.value = await file.text();
  sampleSelect.value = '';
  runEncode();
  toast(`Loaded ${file.name}`);
}
$('json-file').addEventListener('change', (event) => loadFile(event.target.files[0]));
const dropZone = $('json-editor');
dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  loadFile(event.dataTransfer?.files?.[0]);
});

// ---- decode ----------------------------------------------------------------------------
function runDecode() {
  const text = editors.decodeIn.value;
  $('decode-bytes').textContent = text ? `${fmt.format(bytesOf(text))} bytes` : '';
  if (!text.trim()) {
    showError($('decode-error'), editors.decodeIn, '');
    editors.decodeOut.value = '';
    $('decode-status').textContent = '';
    return;
  }
  const options = { strict: $('strict').checked, indent: Number($('decode-indent').value) || 2 };
  try {
    const value = decode(text, options);
    showError($('decode-error'), editors.decodeIn, '');
    editors.decodeOut.value = JSON.stringify(value, null, 2);
    $('decode-status').textContent = 'decoded in your browser';
  } catch (error) {
    if (!(error instanceof KtofDecodeError)) throw error;
    const message = error.message.replace(/^line \d+, column \d+: /, '');
    showError($('decode-error'), editors.decodeIn, `Line ${error.line}, column ${error.column}: ${message}`, error.line);
    $('decode-status').textContent = 'not valid KTOF';
  }
}
$('decode-input').addEventListener('input', debounce(runDecode, 120));
$('strict').addEventListener('change', runDecode);
$('decode-indent').addEventListener('input', runDecode);
$('to-decode').addEventListener('click', () => {
  editors.decodeIn.value = editors.ktof.value;
  selectTab('decode');
  runDecode();
  $('decode-input').focus();
});

// ---- tabs, copy ------------------------------------------------------------------------
const tabs = { encode: $('tab-encode'), decode: $('tab-decode') };
function selectTab(name) {
  for (const [key, tab] of Object.entries(tabs)) {
    const selected = key === name;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(tab.getAttribute('aria-controls')).hidden = !selected;
  }
}
for (const [name, tab] of Object.entries(tabs)) {
  tab.addEventListener('click', () => selectTab(name));
  tab.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const next = name === 'encode' ? 'decode' : 'encode';
    selectTab(next);
    tabs[next].focus();
  });
}

for (const button of document.querySelectorAll('button.copy')) {
  button.addEventListener('click', async () => {
    const area = $(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(area.value);
    } catch {
      area.select();
      document.execCommand('copy');
    }
    toast(`Copied ${area.labels?.[0]?.textContent ?? 'text'}`);
  });
}

// ---- start -----------------------------------------------------------------------------
document.documentElement.dataset.ready = 'false';
await loadHealth();
loadSample('users');
document.documentElement.dataset.ready = 'true';
