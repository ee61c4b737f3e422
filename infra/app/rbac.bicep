// Every role the app's user-assigned identity holds, one commented assignment per role, each
// scoped to the one resource it is for, and as narrow as the platform allows (issue 18, item 8;
// docs/deploy.md, Least privilege).

param managedIdentityPrincipalId string
param storageAccountName string
param appInsightsName string
param cosmosAccountName string
param keyVaultName string
param communicationServiceName string
@description('Cosmos DB database the app reads and writes: the data role is scoped to it, not the account.')
param cosmosDatabaseName string
@description('custom: a role with only what sending e-mail with Entra ID needs (needs Owner or User Access Administrator to create); builtin: Communication and Email Service Owner.')
@allowed([
  'custom'
  'builtin'
])
param emailSenderRole string = 'custom'
@description('Makes the custom role\'s name unique in the tenant (role names are tenant-wide).')
param roleNameSuffix string

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  communicationAndEmailServiceOwner: '09976791-48a7-449e-bb21-39d1a415f350'
}

// Cosmos DB data-plane role (not Azure RBAC): Cosmos DB Built-in Data Contributor.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' existing = {
  name: communicationServiceName
}

// Deployment packages (Flex Consumption pulls the zip), host locks and timer schedules,
// Durable Functions large messages and leases.
resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, managedIdentityPrincipalId, roles.storageBlobDataOwner)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Durable Functions control and work-item queues.
resource queueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, managedIdentityPrincipalId, roles.storageQueueDataContributor)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Durable Functions history and instance tables.
resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, managedIdentityPrincipalId, roles.storageTableDataContributor)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Telemetry into Application Insights with Entra ID (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, managedIdentityPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault references in app settings (keyVaultReferenceIdentity is this identity).
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, managedIdentityPrincipalId, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Sending e-mail with Entra ID. There is no send-only built-in role: Communication and Email
// Service Owner also lists and regenerates access keys and deletes the resource. Microsoft's
// page on Entra ID authentication for e-mail (SMTP authentication quickstart) names what a
// custom role needs: Microsoft.Communication/CommunicationServices/Read and /Write and
// Microsoft.Communication/EmailServices/write. That role is defined here, assignable in this
// resource group only, and assigned on the one Communication Service. emailSenderRole
// 'builtin' keeps the built-in role where the deployer may not create roles.
var emailSenderActions = [
  'Microsoft.Communication/CommunicationServices/Read'
  'Microsoft.Communication/CommunicationServices/Write'
  'Microsoft.Communication/EmailServices/write'
]

resource emailSenderDefinition 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (emailSenderRole == 'custom') {
  name: guid(resourceGroup().id, 'driftpuls-email-sender')
  properties: {
    roleName: 'Driftpuls e-mail sender (${roleNameSuffix})'
    description: 'Send e-mail through Azure Communication Services with Microsoft Entra ID; no keys, no delete.'
    type: 'CustomRole'
    permissions: [
      {
        actions: emailSenderActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

var emailSenderRoleId = emailSenderRole == 'custom'
  ? emailSenderDefinition.id
  : subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.communicationAndEmailServiceOwner)

resource emailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, managedIdentityPrincipalId, emailSenderRole == 'custom' ? 'driftpuls-email-sender' : roles.communicationAndEmailServiceOwner)
  scope: communicationService
  properties: {
    roleDefinitionId: emailSenderRoleId
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Reading and writing documents (local auth is off, so this is the only way in), in the app's
// one database only: the scope `<account id>/dbs/<database>` leaves any other database of the
// account out of reach. (The account's control plane stays with Azure RBAC; the app has none.)
resource cosmosData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmosAccount
  name: guid(cosmosAccount.id, managedIdentityPrincipalId, cosmosDataContributor, cosmosDatabaseName)
  properties: {
    roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: managedIdentityPrincipalId
    scope: '${cosmosAccount.id}/dbs/${cosmosDatabaseName}'
  }
}
