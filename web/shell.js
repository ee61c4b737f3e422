// @ts-check
import { byId, h } from './dom.js';
import { lang, setLang, t, translate } from './i18n.js';
import { signInHref } from './links.js';

/*
 * What the board (`board.js`) and the other pages (`pages.js`) do alike, written once: the
 * language chosen at start and switched by the header's button, the message across the top,
 * and the refresh loop that reads the API again every so often, when the tab is shown again
 * and after a form is sent, without two reads at once and without missing one asked for
 * meanwhile.
 */

const LANG_KEY = 'driftpuls.lang';

/** `?lang=` first, then what the person chose before on this device, else Swedish. */
export function initialLang() {
  const q = new URLSearchParams(location.search).get('lang');
  if (q === 'sv' || q === 'en') return q;
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'sv' || saved === 'en') return saved;
  } catch {
    // No storage: Swedish.
  }
  return 'sv';
}

/** Translates the page's fixed texts and labels the language button with the other language. */
export function relabelShell() {
  translate();
  const toggle = byId('lang-toggle', HTMLButtonElement);
  toggle.textContent = t('otherLang');
  toggle.setAttribute('aria-label', t('otherLangName'));
  toggle.lang = lang() === 'sv' ? 'en' : 'sv';
}

/**
 * The language button: switches, remembers the choice on the device, then `onSwitch` (the
 * page redraws in the new language).
 * @param {() => void} onSwitch
 */
export function onLangToggle(onSwitch) {
  byId('lang-toggle', HTMLButtonElement).addEventListener('click', () => {
    setLang(lang() === 'sv' ? 'en' : 'sv');
    try {
      localStorage.setItem(LANG_KEY, lang());
    } catch {
      // Switched, not remembered.
    }
    onSwitch();
  });
}

/**
 * A message across the top (sign-in, no access, not found); empty hides it.
 * @param {string | null} message
 * @param {{ href: string, text: string }} [link]
 */
export function alert(message, link) {
  const box = byId('alert');
  box.hidden = !message;
  box.replaceChildren(...(message ? [message] : []), ...(message && link ? [' ', h('a', { href: link.href }, link.text)] : []));
}

/**
 * The message for an API status: sign in (with Easy Auth's way back to this page), no access,
 * not found (`notFound`: what the page calls it), unreachable; none for a success.
 * @param {number} status
 * @param {string} [notFound]
 */
export function alertFor(status, notFound = t('notFound')) {
  if (status === 401) alert(t('signIn'), { href: signInHref(), text: t('signInLink') });
  else if (status === 403) alert(t('forbidden'));
  else if (status === 404) alert(notFound);
  else if (status === 0 || status >= 500) alert(t('loadFailed'));
  else alert(null);
}

/**
 * The refresh loop around `load`: a call while one runs queues exactly one more, so a report
 * sent meanwhile is never missed until the next tick. Runs every `everyMs` and whenever the
 * tab becomes visible again; returns the function that refreshes now.
 * @param {() => Promise<void>} load
 * @param {number} everyMs
 */
export function keepFresh(load, everyMs) {
  let refreshing = false;
  let again = false;
  const refresh = async () => {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      do {
        again = false;
        await load();
      } while (again);
    } finally {
      refreshing = false;
    }
  };
  setInterval(() => void refresh(), everyMs);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void refresh();
  });
  return refresh;
}
