// Key Vault for the app's secrets: the machine keys and the Teams workflow URLs (a workflow URL
// carries its own signature, so whoever has it can post to the channel). Access by Azure RBAC
// only; the app reads through Key Vault references with its user-assigned identity.
//
// A secret is created only when its value is given (azd env set … then azd provision). The
// matching app setting is then a Key Vault reference, otherwise empty, which the app treats
// as unset: a reference to a missing secret would resolve to the reference text itself and
// fail validation at start-up.

param name string
param location string
param tags object = {}
param enablePurgeProtection bool = true
@description('Recover the soft-deleted vault of this name (after azd down) instead of creating a new one.')
param recoverSoftDeleted bool = false
param logAnalyticsWorkspaceId string

@secure()
param machineKeys string = ''
@secure()
param teamsWebhookDsl string = ''
@secure()
param teamsWebhookCsl string = ''
@secure()
param teamsWebhookLgv string = ''

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // 'recover' brings back a soft-deleted vault of this name with its secrets; it fails when
    // there is none, so it is set for one provision only (KEY_VAULT_RECOVER=true).
    createMode: recoverSoftDeleted ? 'recover' : 'default'
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // The API accepts true or nothing, never false.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource machineKeysSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(machineKeys)) {
  parent: vault
  name: 'machine-keys'
  properties: {
    value: machineKeys
    contentType: 'name:scope:secret;...'
  }
}

resource teamsDslSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(teamsWebhookDsl)) {
  parent: vault
  name: 'teams-webhook-dsl'
  properties: {
    value: teamsWebhookDsl
    contentType: 'url'
  }
}

resource teamsCslSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(teamsWebhookCsl)) {
  parent: vault
  name: 'teams-webhook-csl'
  properties: {
    value: teamsWebhookCsl
    contentType: 'url'
  }
}

resource teamsLgvSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(teamsWebhookLgv)) {
  parent: vault
  name: 'teams-webhook-lgv'
  properties: {
    value: teamsWebhookLgv
    contentType: 'url'
  }
}

// Who read which secret when: audit logs to Log Analytics.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

var refPrefix = '@Microsoft.KeyVault(VaultName=${vault.name};SecretName='

output name string = vault.name
output uri string = vault.properties.vaultUri
output machineKeysReference string = !empty(machineKeys) ? '${refPrefix}machine-keys)' : ''
@description('App setting values for the three forum channels: a Key Vault reference, or empty when no URL was given.')
output teamsWebhookReferences object = {
  DSL: !empty(teamsWebhookDsl) ? '${refPrefix}teams-webhook-dsl)' : ''
  CSL: !empty(teamsWebhookCsl) ? '${refPrefix}teams-webhook-csl)' : ''
  LGV: !empty(teamsWebhookLgv) ? '${refPrefix}teams-webhook-lgv)' : ''
}
