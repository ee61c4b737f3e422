import type { TokenCredential } from '@azure/identity';

/**
 * The credential the app signs in to Azure services with (Cosmos DB, Communication Services,
 * the token exchange for Microsoft Graph). In Azure (`WEBSITE_SITE_NAME` is set by the
 * platform) it is the user-assigned managed identity named by `AZURE_CLIENT_ID`, as a
 * `ManagedIdentityCredential`: one source, no probing. `DefaultAzureCredential` would first
 * try environment secrets, workload identity and developer tools, so a stray setting could
 * make the app sign in as someone else, and a failure reads as a chain of every attempt.
 * Elsewhere (a developer pointing `npm start` at a real resource) `DefaultAzureCredential`
 * finds `az login`. Loaded only when a resource is reached by identity.
 */
export async function appCredential(env: Record<string, string | undefined> = process.env): Promise<TokenCredential> {
  const { DefaultAzureCredential, ManagedIdentityCredential } = await import('@azure/identity');
  if (env.WEBSITE_SITE_NAME)
    return env.AZURE_CLIENT_ID ? new ManagedIdentityCredential({ clientId: env.AZURE_CLIENT_ID }) : new ManagedIdentityCredential();
  return new DefaultAzureCredential();
}
