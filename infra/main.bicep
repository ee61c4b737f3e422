targetScope = 'subscription'

// Driftpuls in Azure: a Flex Consumption Function App (Node 22) with a user-assigned managed
// identity, Durable Functions on Azure Storage, Cosmos DB serverless, Communication Services
// e-mail, Key Vault, Application Insights on Log Analytics, App Service Authentication with
// Microsoft Entra ID. Shaped like the Azure-Samples azd quickstarts
// (durable-functions-quickstart-typescript-azd, functions-quickstart-typescript-azd-cosmosdb)
// and built on the same Azure Verified Modules versions. Every connection uses the managed
// identity: no account keys, no connection strings, no client secrets.
//
// The app settings below are kept in step with shared/config.ts by test/infra/settings.test.ts:
// one key per line in `appSettings: {` so the test can read them.

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; every resource name derives from it (and the subscription).')
param environmentName string

// Healthcare data stays in Sweden: the one allowed region. Widen this list only together with
// the region decision of the data protection impact assessment.
@description('Region of every regional resource.')
@allowed([
  'swedencentral'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string = 'swedencentral'

@description('Optional: resource group name; default rg-<environmentName>.')
param resourceGroupName string = ''

// --- Function App -----------------------------------------------------------------------

@description('Memory per instance (MB). 2048 gives a full vCPU, as the quickstarts use.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

// Flex Consumption refuses a maximum below 40 (documented range 40–1000): the cost ceiling
// cannot be lower than that, so a smaller value fails the deployment, not the bill.
@description('Upper bound on instances: a cost ceiling (Flex Consumption allows 40–1000). A 2,000-unit region needs a handful.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Always-ready instances for HTTP (no cold start). 1 during the go-live week, 0 otherwise.')
@minValue(0)
@maxValue(10)
param alwaysReadyInstances int = 0

// Durable Functions on Flex Consumption (Azure Storage backend): the documented recommendation
// is an always-ready instance for the `durable` group, so orchestration and activity queues are
// polled while nothing else runs (escalation timers of R7 fire on time), with the queue polling
// interval at most 10 s (host.json maxQueuePollingInterval). ~$21 a month; docs/deploy.md.
@description('Always-ready instances for the durable group (orchestrations, activities). 1 recommended.')
@minValue(0)
@maxValue(10)
param durableAlwaysReadyInstances int = 1

@description('Public base URL of links people receive (a custom domain); default https://<function app>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('Durable Functions task hub (host.json %DURABLE_TASK_HUB%): letters and digits, 3-45 characters.')
@minLength(3)
@maxLength(45)
param durableTaskHub string = 'driftpuls'

@description('NCRONTAB (six fields, UTC: Flex Consumption has no WEBSITE_TIME_ZONE) of the heartbeat timer.')
param heartbeatSchedule string = '0 */1 * * * *'

@description('NCRONTAB (six fields, UTC) of the outbox delivery timer (e-mail, Teams).')
param notifySchedule string = '0 */1 * * * *'

@description('NCRONTAB (six fields, UTC) of the calendar tick: reminders and agendas due since the last tick; local times are computed in code.')
param scheduleTick string = '0 */1 * * * *'

// --- Cosmos DB --------------------------------------------------------------------------

@description('Cosmos DB database id (COSMOS_DATABASE).')
param cosmosDatabaseName string = 'driftpuls'

@description('Cosmos DB container id (COSMOS_CONTAINER); partition key /goLiveId.')
param cosmosContainerName string = 'golives'

// --- Sign-in: App Service Authentication with Microsoft Entra ID -------------------------

// Required on purpose: the app trusts x-ms-client-principal (AUTH_MODE=appservice), and only
// App Service Authentication strips a forged one from outside requests. Without it the app
// must not run, so provisioning refuses to start. infra/scripts/entra-app.sh create makes the
// registration and sets AUTH_CLIENT_ID.
@description('Application (client) id of the Entra app registration: run infra/scripts/entra-app.sh create, which sets AUTH_CLIENT_ID.')
@minLength(36)
@maxLength(36)
param authClientId string

@description('Entra tenant of the app registration; default the deployment tenant.')
param authTenantId string = tenant().tenantId

// --- Secrets (stored in Key Vault, read through Key Vault references) ---------------------

@secure()
@description('Machine keys for imports and Power Automate: name:scope:secret;... (MACHINE_KEYS). Empty: no machine access.')
param machineKeys string = ''

// The three together: posting to the forum channels is on when any is given (and the app then
// refuses to start without all three, naming the missing one).
@secure()
@description('URL of the Teams workflow "when a Teams webhook request is received" of the DSL channel (TEAMS_WEBHOOK_DSL).')
param teamsWebhookDsl string = ''

@secure()
@description('Same, CSL channel (TEAMS_WEBHOOK_CSL).')
param teamsWebhookCsl string = ''

@secure()
@description('Same, LGV channel (TEAMS_WEBHOOK_LGV).')
param teamsWebhookLgv string = ''

// --- Teams activity feed (Microsoft Graph) ------------------------------------------------

@description('Org-catalog id of the Driftpuls Teams app (Teams admin center → Manage apps → App ID; for a custom app uploaded to the org catalog this differs from the manifest id). Empty: no activity-feed notifications.')
param teamsAppId string = ''

@description('Key Vault purge protection. Keep on in production; off lets `azd down --purge` free the name of a test environment.')
param keyVaultPurgeProtection bool = true

// With purge protection, `azd down` leaves the vault soft-deleted for 90 days and its name
// taken, so the next `azd up` of the same environment could not create it. Two ways back:
// recover the deleted vault with its secrets (KEY_VAULT_RECOVER=true for one provision), or
// give the environment a new vault name (KEY_VAULT_NAME_SALT, any new word). docs/deploy.md.
@description('Part of the Key Vault name: change it to get a new vault when the old name is held by a soft-deleted vault.')
@maxLength(16)
param keyVaultNameSalt string = ''

@description('True for one provision after azd down: recover the soft-deleted vault of this name (with its secrets) instead of creating it.')
param keyVaultRecover bool = false

// --- E-mail (Azure Communication Services) -----------------------------------------------

@description('Data location of the Communication Services resources (a geography; Sweden is not offered, Europe is).')
param emailDataLocation string = 'Europe'

@description('Optional custom sender domain, e.g. driftpuls.regionexempel.se. Empty: the Azure managed domain (DoNotReply@<guid>.azurecomm.net).')
param customEmailDomain string = ''

@description('Set true after the custom domain\'s DNS records are verified: links it and sends from it.')
param customEmailDomainVerified bool = false

// DoNotReply exists on every domain from the start; another sender user name on a custom
// domain is refused until the domain's sending limits are raised (a support request).
@description('Sender user name on the custom domain. DoNotReply works at once; another name only after a quota increase.')
param emailSenderUsername string = 'DoNotReply'

// Communication Services starts every subscription in a sandbox: 5 mails a minute and 10 an hour
// from the Azure managed domain, 30 and 100 from a custom domain. More needs a custom domain and
// a quota increase (support request, up to 72 hours): README, Deploy to Azure.
// Least privilege (docs/deploy.md): a custom role with only the send permissions. Creating a
// role needs Owner or User Access Administrator on the resource group; 'builtin' assigns
// Communication and Email Service Owner instead.
@description('Role of the app on Communication Services: custom (send permissions only) or builtin (Communication and Email Service Owner).')
@allowed([
  'custom'
  'builtin'
])
param emailSenderRole string = 'custom'

@description('E-mails per minute the app sends (ACS_MAX_PER_MINUTE). 0: the sandbox limit of the domain in use (5 managed, 30 custom); set the granted quota after an increase.')
@minValue(0)
param emailMaxPerMinute int = 0

// --- Monitoring --------------------------------------------------------------------------

@description('Days Log Analytics keeps data (30 are included in the ingestion price).')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// The app's spans (Cosmos, ACS, Graph calls) are most of the telemetry volume; logs are kept whole.
@description('Share of the app\'s traces (spans) Application Insights keeps, 0 to 1, as text. Logs are not sampled.')
param traceSamplingRatio string = '0.25'

@description('Optional e-mail for alerts (heartbeat missing, server errors). Empty: no alerts.')
param alertEmail string = ''

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var keyVaultToken = empty(keyVaultNameSalt) ? resourceToken : toLower(uniqueString(subscription().id, environmentName, location, keyVaultNameSalt))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'
var baseUrl = !empty(publicBaseUrl) ? publicBaseUrl : 'https://${functionAppName}.azurewebsites.net'
var emailPerMinute = emailMaxPerMinute > 0 ? emailMaxPerMinute : (!empty(customEmailDomain) && customEmailDomainVerified ? 30 : 5)
var teamsWebhooksGiven = !empty(teamsWebhookDsl) || !empty(teamsWebhookCsl) || !empty(teamsWebhookLgv)

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The app's one identity: storage, Durable, Cosmos, Key Vault, e-mail, telemetry, and the
// credential of the Entra app registration (federated identity credential).
module apiUserAssignedIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'apiUserAssignedIdentity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
  }
}

module appServicePlan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'appserviceplan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
    location: location
    tags: tags
  }
}

// Deployment packages, the Functions host (AzureWebJobsStorage) and the Durable Functions
// backend (queues and tables of the task hub). Shared keys off: identity only.
module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    skuName: 'Standard_LRS'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      containers: [
        {
          name: deploymentStorageContainerName
        }
      ]
    }
    minimumTlsVersion: 'TLS1_2'
    location: location
    tags: tags
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: '${uniqueString(deployment().name, location)}-loganalytics'
  scope: rg
  params: {
    name: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    dataRetention: logRetentionDays
  }
}

module monitoring 'br/public:avm/res/insights/component:0.6.0' = {
  name: '${uniqueString(deployment().name, location)}-appinsights'
  scope: rg
  params: {
    name: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true
  }
}

module cosmos './app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    containerName: cosmosContainerName
  }
}

module communication './app/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    name: '${abbrs.communicationServices}${resourceToken}'
    emailServiceName: '${abbrs.communicationEmailServices}${resourceToken}'
    tags: tags
    dataLocation: emailDataLocation
    customDomain: customEmailDomain
    customDomainVerified: customEmailDomainVerified
    senderUsername: emailSenderUsername
    logAnalyticsWorkspaceId: logAnalytics.outputs.resourceId
  }
}

module keyVault './app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${keyVaultToken}'
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    recoverSoftDeleted: keyVaultRecover
    logAnalyticsWorkspaceId: logAnalytics.outputs.resourceId
    machineKeys: machineKeys
    teamsWebhookDsl: teamsWebhookDsl
    teamsWebhookCsl: teamsWebhookCsl
    teamsWebhookLgv: teamsWebhookLgv
  }
}

// One commented role assignment per role, all for the app's identity.
module rbac './app/rbac.bicep' = {
  name: 'rbacAssignments'
  scope: rg
  params: {
    managedIdentityPrincipalId: apiUserAssignedIdentity.outputs.principalId
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.name
    cosmosAccountName: cosmos.outputs.accountName
    keyVaultName: keyVault.outputs.name
    communicationServiceName: communication.outputs.name
    cosmosDatabaseName: cosmos.outputs.databaseName
    emailSenderRole: emailSenderRole
    roleNameSuffix: '${environmentName}-${resourceToken}'
  }
}

module api './app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: tags
    applicationInsightsName: monitoring.outputs.name
    appServicePlanId: appServicePlan.outputs.resourceId
    // Node 22 LTS (Node 20's Functions support ended 2026-04-30). Flex Consumption takes the
    // version here (functionAppConfig.runtime), not linuxFxVersion; CI tests on Node 22 too.
    runtimeName: 'node'
    runtimeVersion: '22'
    storageAccountName: storage.outputs.name
    deploymentStorageContainerName: deploymentStorageContainerName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyInstances: alwaysReadyInstances
    durableAlwaysReadyInstances: durableAlwaysReadyInstances
    durableTaskHubName: durableTaskHub
    traceSamplingRatio: traceSamplingRatio
    identityId: apiUserAssignedIdentity.outputs.resourceId
    identityClientId: apiUserAssignedIdentity.outputs.clientId
    authClientId: authClientId
    authTenantId: authTenantId
    // The settings shared/config.ts reads (test/infra/settings.test.ts keeps them in step).
    // Secrets are Key Vault references, empty when not given (the app then treats them as unset).
    appSettings: {
      AUTH_MODE: 'appservice'
      // The app accepts x-ms-client-principal only for this app registration and tenant (issue 13).
      AUTH_CLIENT_ID: authClientId
      AUTH_TENANT_ID: authTenantId
      COSMOS_ENDPOINT: cosmos.outputs.endpoint
      COSMOS_DATABASE: cosmosDatabaseName
      COSMOS_CONTAINER: cosmosContainerName
      HEARTBEAT_SCHEDULE: heartbeatSchedule
      SCHEDULE_TICK: scheduleTick
      MACHINE_KEYS: keyVault.outputs.machineKeysReference
      PUBLIC_BASE_URL: baseUrl
      NOTIFY_SCHEDULE: notifySchedule
      NOTIFY_EMAIL: 'acs'
      ACS_ENDPOINT: communication.outputs.endpoint
      ACS_SENDER: communication.outputs.senderAddress
      ACS_MAX_PER_MINUTE: string(emailPerMinute)
      NOTIFY_TEAMS_WEBHOOK: teamsWebhooksGiven ? 'on' : 'off'
      TEAMS_WEBHOOK_DSL: keyVault.outputs.teamsWebhookReferences.DSL
      TEAMS_WEBHOOK_CSL: keyVault.outputs.teamsWebhookReferences.CSL
      TEAMS_WEBHOOK_LGV: keyVault.outputs.teamsWebhookReferences.LGV
      NOTIFY_TEAMS_ACTIVITY: !empty(teamsAppId) ? 'graph' : 'off'
      GRAPH_TENANT_ID: authTenantId
      GRAPH_CLIENT_ID: authClientId
      TEAMS_APP_ID: teamsAppId
    }
  }
  // Roles first, so the app's first start can reach storage, Cosmos and Key Vault.
  dependsOn: [
    rbac
  ]
}

module alerts './app/alerts.bicep' = if (!empty(alertEmail)) {
  name: 'alerts'
  scope: rg
  params: {
    name: resourceToken
    location: location
    tags: tags
    appInsightsName: monitoring.outputs.name
    alertEmail: alertEmail
  }
}

// azd writes these into .azure/<env>/.env; infra/scripts/entra-app.sh reads them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.SERVICE_API_NAME
output SERVICE_API_URI string = api.outputs.SERVICE_API_URI
output AZURE_FUNCTION_NAME string = api.outputs.SERVICE_API_NAME
output PUBLIC_BASE_URL string = baseUrl
output API_IDENTITY_CLIENT_ID string = apiUserAssignedIdentity.outputs.clientId
output API_IDENTITY_PRINCIPAL_ID string = apiUserAssignedIdentity.outputs.principalId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.name
output LOG_ANALYTICS_WORKSPACE_ID string = logAnalytics.outputs.resourceId
output AZURE_COSMOSDB_ACCOUNT_NAME string = cosmos.outputs.accountName
output AZURE_COSMOSDB_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_COMMUNICATION_ENDPOINT string = communication.outputs.endpoint
output AZURE_COMMUNICATION_SENDER string = communication.outputs.senderAddress
output AZURE_EMAIL_SERVICE_NAME string = communication.outputs.emailServiceName
output AZURE_EMAIL_CUSTOM_DOMAIN_RECORDS object = communication.outputs.customDomainVerificationRecords
