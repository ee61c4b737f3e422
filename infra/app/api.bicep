// The Flex Consumption Function App, as in the Azure-Samples quickstarts (infra/app/api.bicep
// there), plus: always-ready instances, Key Vault references through the user-assigned
// identity, no publishing passwords, and App Service Authentication with Microsoft Entra ID.

param name string
@description('Primary location for all resources & Flex Consumption Function App')
param location string = resourceGroup().location
param tags object = {}
param applicationInsightsName string
param appServicePlanId string
@description('The app\'s own settings (read by shared/config.ts); the platform settings are added here.')
param appSettings object = {}
param runtimeName string
param runtimeVersion string
param serviceName string = 'api'
param storageAccountName string
param deploymentStorageContainerName string
param instanceMemoryMB int = 2048
param maximumInstanceCount int = 40
param alwaysReadyInstances int = 0
param durableAlwaysReadyInstances int = 1
@description('Durable Functions task hub name (host.json %DURABLE_TASK_HUB%).')
@description('Share of the app\'s traces (spans) kept, 0 to 1, as text (OTEL_TRACES_SAMPLER_ARG).')
param traceSamplingRatio string = '0.25'
param durableTaskHubName string
param identityId string
param identityClientId string
param authClientId string
param authTenantId string

var applicationInsightsIdentity = 'ClientId=${identityClientId};Authorization=AAD'
var kind = 'functionapp,linux'

// Settings for the platform, the Functions host and the Azure SDKs: not read through
// shared/config.ts, and listed as such in test/infra/settings.test.ts (PLATFORM).
// Flex Consumption refuses FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and
// WEBSITE_TIME_ZONE: runtime and version are functionAppConfig.runtime, timers run in UTC.
var platformAppSettings = {
  // Functions host storage and the Durable Functions Azure Storage backend, by identity.
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: stg.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: stg.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: stg.properties.primaryEndpoints.table
  // Telemetry with Entra ID (the component has local auth off).
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: applicationInsightsIdentity
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  // Sampling of the app's spans (requests and dependencies the worker sees: Cosmos, ACS, Graph)
  // by the Azure Monitor OpenTelemetry distro, which reads these two and lets them override the
  // code's default (shared/observability.ts). Logs (request lines, the heartbeat event) are not
  // sampled; the host's own telemetry cannot be in OpenTelemetry mode (docs/deploy.md).
  OTEL_TRACES_SAMPLER: 'microsoft.fixed_percentage'
  OTEL_TRACES_SAMPLER_ARG: traceSamplingRatio
  // ManagedIdentityCredential (shared/adapters/identity.ts: Cosmos, e-mail, Graph) signs in as this identity.
  AZURE_CLIENT_ID: identityClientId
  // host.json: "hubName": "%DURABLE_TASK_HUB%".
  DURABLE_TASK_HUB: durableTaskHubName
  // App Service Authentication proves the app registration with the managed identity
  // (federated identity credential) instead of a client secret.
  OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID: identityClientId
}

var allAppSettings = union(appSettings, platformAppSettings)

// Sign-in is done by the platform, authorisation by the app: anonymous requests pass through
// (health, OpenAPI, the board page, machine keys), signed-in ones carry x-ms-client-principal with the app
// roles of R1, and the app's access matrix (shared/domain/access.ts) decides.
var authSettings = {
  platform: {
    enabled: true
  }
  globalValidation: {
    requireAuthentication: false
    unauthenticatedClientAction: 'AllowAnonymous'
    redirectToProvider: 'azureactivedirectory'
  }
  httpSettings: {
    requireHttps: true
  }
  identityProviders: {
    azureActiveDirectory: {
      enabled: true
      registration: {
        clientId: authClientId
        clientSecretSettingName: 'OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID'
        openIdIssuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
      }
      // Tokens for this app only: the audience is this registration, and so is the client
      // that asked for the token (allowedApplications), so a token another app of the tenant
      // obtained is refused.
      validation: {
        allowedAudiences: [
          'api://${authClientId}'
          authClientId
        ]
        defaultAuthorizationPolicy: {
          allowedApplications: [
            authClientId
          ]
        }
      }
    }
  }
  login: {
    // Flex Consumption has no file system for the token store, and a blob token store needs a
    // SAS (shared keys are off). The app needs only x-ms-client-principal, not the tokens.
    tokenStore: {
      enabled: false
    }
    preserveUrlFragmentsForLogins: true
  }
}

resource stg 'Microsoft.Storage/storageAccounts@2022-09-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

module api 'br/public:avm/res/web/site:0.15.1' = {
  name: '${serviceName}-flex-consumption'
  params: {
    kind: kind
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': serviceName })
    serverFarmResourceId: appServicePlanId
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [
        identityId
      ]
    }
    keyVaultAccessIdentityResourceId: identityId
    clientAffinityEnabled: false
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${stg.properties.primaryEndpoints.blob}${deploymentStorageContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        // Per-function groups: `http` (HTTP triggers), `durable` (orchestrations, activities).
        alwaysReady: concat(
          alwaysReadyInstances > 0
            ? [
                {
                  name: 'http'
                  instanceCount: alwaysReadyInstances
                }
              ]
            : [],
          durableAlwaysReadyInstances > 0
            ? [
                {
                  name: 'durable'
                  instanceCount: durableAlwaysReadyInstances
                }
              ]
            : []
        )
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
    }
    // azd deploys with an Entra ID token; no publishing passwords.
    basicPublishingCredentialsPolicies: [
      {
        name: 'scm'
        allow: false
      }
    ]
    appSettingsKeyValuePairs: allAppSettings
    authSettingV2Configuration: authSettings
  }
}

output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = 'https://${api.outputs.defaultHostname}'
