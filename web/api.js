// @ts-check
import { lang } from './i18n.js';

/**
 * @typedef {{ field: string, message: string }} FieldError
 * @typedef {{ ok: boolean, status: number, json: any, replayed: boolean }} Reply
 */

/**
 * A key for one form submission. A retry or a double tap sends the same key, so the API
 * stores the report once (its Idempotency-Key rule). `getRandomValues` rather than
 * `randomUUID`: the latter exists only on https and localhost.
 */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const ACT_AS_KEY = 'driftpuls.actAs';

/** The person chosen in the local picker (who-am-I), or null: the app's default dev principal. */
export function actingAs() {
  try {
    return localStorage.getItem(ACT_AS_KEY);
  } catch {
    return null;
  }
}

/** @param {string | null} personId */
export function setActingAs(personId) {
  try {
    if (personId) localStorage.setItem(ACT_AS_KEY, personId);
    else localStorage.removeItem(ACT_AS_KEY);
  } catch {
    // Not remembered: the picker applies to this page only.
  }
}

/** Tries in all of a request the server shed (503 with Retry-After). */
const MAX_ATTEMPTS = 4;

/**
 * The wait a 503 asks for (Retry-After in seconds, at most 5 s), or undefined without one.
 * @param {Response} res
 */
function retryAfterMs(res) {
  const seconds = Number(res.headers.get('retry-after'));
  return res.headers.has('retry-after') && Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 5) * 1000 : undefined;
}

/** Calls to the app's own API, same origin, in the page's language. */
export class Api {
  /** @param {string} base e.g. `/api/` */
  constructor(base) {
    this.base = base;
    /** Locally (`AUTH_MODE=dev`), the person of the go-live the pages act as (the `x-dev-user` header); ignored in Azure. */
    this.actAs = actingAs();
  }

  /**
   * @param {string} method
   * @param {string} path below the API base, e.g. `golives/demo/overview`
   * @param {{ body?: unknown, idempotencyKey?: string }} [opts]
   * @returns {Promise<Reply>} status 0 when the network failed
   */
  async call(method, path, opts = {}) {
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json', 'accept-language': lang() };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    if (this.actAs) headers['x-dev-user'] = this.actAs;
    let res;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await fetch(this.base + path, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          credentials: 'same-origin',
          cache: 'no-store',
        });
      } catch {
        return { ok: false, status: 0, json: undefined, replayed: false };
      }
      // A busy server sheds with 503 + Retry-After and never ran the request (issue 17 item 5):
      // a read, or a write with its Idempotency-Key, is sent again after the wait it asks for.
      const wait = retryAfterMs(res);
      if (res.status !== 503 || wait === undefined || attempt >= MAX_ATTEMPTS || (method !== 'GET' && !opts.idempotencyKey)) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    let json;
    try {
      json = await res.json();
    } catch {
      json = undefined;
    }
    return { ok: res.ok, status: res.status, json, replayed: res.headers.get('idempotent-replayed') === 'true' };
  }

  /** @param {string} path */
  get(path) {
    return this.call('GET', path);
  }

  /**
   * @param {string} path
   * @param {unknown} body
   * @param {string} idempotencyKey
   */
  post(path, body, idempotencyKey) {
    return this.call('POST', path, { body, idempotencyKey });
  }
}
