// @ts-check
import { PAGE_PATHS } from './rules.js';

/*
 * Links between the pages: the paths of shared/domain/pages.ts (shipped in rules.js), below
 * the API base the page was served under. The same paths every notification link uses.
 */

/** @typedef {keyof typeof PAGE_PATHS} PageName */

const base = () => document.body.dataset.api ?? '/api/';

/**
 * @param {PageName} name
 * @param {string} goLiveId
 * @param {string} [id]
 */
export function pageHref(name, goLiveId, id = '') {
  return base() + PAGE_PATHS[name].replace('{g}', encodeURIComponent(goLiveId)).replace('{id}', encodeURIComponent(id));
}

/**
 * Easy Auth's sign-in, bringing the person back to this very page (path, query and fragment).
 * @returns {string}
 */
export function signInHref() {
  return `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(location.pathname + location.search + location.hash)}`;
}
