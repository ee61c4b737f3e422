// Cosmos DB for NoSQL, serverless, Entra ID only (local auth off), as in
// functions-quickstart-typescript-azd-cosmosdb (infra/app/db.bicep). One database, one
// container partitioned by /goLiveId: every document of a go-live in one partition
// (shared/adapters/cosmos/cosmos.repository.ts). The app does not create them in Azure.

param name string
param location string
param tags object = {}
param databaseName string
param containerName string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    // Point-in-time restore for the last 7 days, included in the price.
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: containerName
  properties: {
    resource: {
      id: containerName
      partitionKey: {
        paths: [
          '/goLiveId'
        ]
        kind: 'Hash'
        version: 2
      }
      // Everything is indexed except the bulky parts no query filters or sorts on: the
      // go-live's organisation (~0.5 MB for 2,000 units and their reporters, one document)
      // and free text. Indexing them would make every PUT of the organisation cost thousands
      // of RU for terms nobody looks up. Queries use goLiveId, type, status, unitId, areaId,
      // sortKey.
      indexingPolicy: {
        automatic: true
        indexingMode: 'consistent'
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
          {
            path: '/people/*'
          }
          {
            path: '/forvaltningar/*'
          }
          {
            path: '/areas/*'
          }
          {
            path: '/reporting/*'
          }
          {
            path: '/schedules/*'
          }
          {
            path: '/scheduleHistory/*'
          }
          {
            path: '/explanation/?'
          }
          {
            path: '/summary/?'
          }
          {
            path: '/problems/*'
          }
        ]
      }
    }
  }
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output containerName string = container.name
