// The dashboard's shell: sign-in, the page navigation (#/overview, #/cost, #/models, #/audit,
// #/drift), the language switch, and mounting one page at a time.
import './style.css';
import { forgetKey, getJson, storedKey, storeKey, takeKeyFromFragment, whenUnauthorized, ApiError } from './api';
import { clear, h } from './dom';
import { currentLang, setLang, t, type LabelKey } from './i18n';
import { mountAudit } from './pages/audit';
import { mountCost } from './pages/cost';
import { mountDrift } from './pages/drift';
import { mountModels } from './pages/models';
import { mountOverview } from './pages/overview';

const PAGES: [string, LabelKey, (root: HTMLElement) => () => void][] = [
  ['overview', 'nav.overview', mountOverview],
  ['cost', 'nav.cost', mountCost],
  ['models', 'nav.models', mountModels],
  ['audit', 'nav.audit', mountAudit],
  ['drift', 'nav.drift', mountDrift],
];

const app = document.getElementById('app')!;
let unmount: (() => void) | null = null;

function pageName(): string {
  const name = location.hash.replace(/^#\/?/, '');
  return PAGES.some(([p]) => p === name) ? name : 'overview';
}

function showLogin(message?: string): void {
  unmount?.();
  unmount = null;
  const input = h('input', { id: 'login-key', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'login-help' });
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h('form', { class: 'login card', onsubmit: (e: Event) => { e.preventDefault(); void signIn(input.value.trim(), error); } },
    h('h1', {}, t('login.title')),
    h('label', { for: 'login-key' }, t('login.key')),
    input,
    h('p', { id: 'login-help', class: 'muted' }, t('login.help')),
    error,
    h('button', { type: 'submit', class: 'primary' }, t('login.submit')),
    langButton(() => showLogin(message)));
  clear(app, h('main', { class: 'login-page' }, form));
  input.focus();
}

async function signIn(key: string, error: HTMLElement): Promise<void> {
  if (!key) return;
  storeKey(key);
  try {
    // A GET any dashboard key may make: it checks the key before the pages start polling.
    await getJson('/admin/overview');
    if (!location.hash.startsWith('#/')) location.hash = '#/overview';
    showApp();
  } catch (e) {
    forgetKey();
    error.textContent = e instanceof ApiError && (e.status === 401 || e.status === 403) ? t('login.bad') : `${t('common.error')}: ${(e as Error).message}`;
  }
}

function langButton(rerender: () => void): HTMLElement {
  return h('button', { type: 'button', class: 'lang', lang: currentLang() === 'en' ? 'zh-Hant' : 'en', 'aria-label': t('lang.switchLabel'),
    onclick: () => { setLang(currentLang() === 'en' ? 'zh-Hant' : 'en'); rerender(); } }, t('lang.switch'));
}

function showApp(): void {
  unmount?.();
  const current = pageName();
  const main = h('main', { id: 'page', tabindex: -1 });
  const nav = h('nav', { 'aria-label': t('nav.main') },
    h('ul', {}, ...PAGES.map(([name, label]) =>
      h('li', {}, h('a', { href: `#/${name}`, 'aria-current': name === current ? 'page' : undefined, 'data-page': name }, t(label))))));
  clear(app,
    h('a', { class: 'skip', href: '#page', onclick: (e: Event) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('header', { class: 'top' },
      h('span', { class: 'brand' }, t('app.title')),
      nav,
      h('div', { class: 'actions' }, langButton(showApp),
        h('button', { type: 'button', onclick: () => { forgetKey(); showLogin(); } }, t('signout')))),
    main);
  unmount = PAGES.find(([p]) => p === current)![2](main);
  document.title = `${t(PAGES.find(([p]) => p === current)![1])} · switchyard`;
}

setLang(currentLang());
takeKeyFromFragment();
whenUnauthorized(() => showLogin(t('login.bad')));
window.addEventListener('hashchange', () => {
  if (storedKey()) showApp();
});
if (storedKey()) showApp();
else showLogin();
