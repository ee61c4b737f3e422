import { app } from '@azure/functions';
import { loadConfig } from '../shared/config';

/*
 * The app refuses to start on a configuration that would trust the wrong callers (issue 13):
 * `dev` where a platform hosts it, `appservice` without App Service Authentication in front,
 * or any bad setting. Throwing here fails the worker's start, in Azure and in the local runtime,
 * before any request is served.
 */
app.hook.appStart(() => {
  loadConfig();
});
