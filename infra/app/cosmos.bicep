// Cosmos DB for NoSQL: account, the bookme database and its containers.
// The containers mirror shared/adapters/cosmos_layout.py CONTAINERS exactly (name, partition
// key path, defaultTtl, composite indexes); tools/check_infra.py and tests/infra compare the two.

@description('Required. Cosmos DB account name.')
param name string

@description('Optional. Location of the account. Defaults to the resource group location.')
param location string = resourceGroup().location

@description('Optional. Tags of the account. Defaults to none.')
param tags object = {}

@description('Optional. Name of the SQL database. Defaults to bookme.')
param databaseName string = 'bookme'

@allowed([
  'Serverless'
  'Autoscale'
])
@description('Optional. Serverless (pay per request) or Autoscale (throughput shared by the database). Defaults to Serverless.')
param capacityMode string = 'Serverless'

@minValue(1000)
@maxValue(1000000)
@description('Optional. Autoscale maximum RU/s of the database; ignored when serverless. Defaults to 1000.')
param autoscaleMaxThroughput int = 1000

// defaultTtl null: items never expire. -1: items expire only when they carry their own ttl.
var containers = [
  {
    name: 'config'
    partitionKeyPath: '/pk'
    defaultTtl: null
    compositeIndexes: []
  }
  {
    name: 'bookings'
    partitionKeyPath: '/pk'
    defaultTtl: -1
    // GET /meetings pages through meetings ordered by startDate, then id.
    compositeIndexes: [
      [
        {
          path: '/startDate'
          order: 'ascending'
        }
        {
          path: '/id'
          order: 'ascending'
        }
      ]
    ]
  }
]

var isServerless = capacityMode == 'Serverless'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  // checkov:skip=CKV_AZURE_99:No VNet in this deployment and the Flex Consumption app has no fixed outbound address to allow-list; key auth is disabled, so every request needs an Entra ID token and a data-plane role.
  // checkov:skip=CKV_AZURE_101:Same as CKV_AZURE_99: public endpoint with Entra ID-only access (disableLocalAuth true).
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: isServerless ? [
      {
        name: 'EnableServerless'
      }
    ] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    enableAutomaticFailover: false
    enableFreeTier: false
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: isServerless ? {} : {
      autoscaleSettings: {
        maxThroughput: autoscaleMaxThroughput
      }
    }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [for container in containers: {
  parent: database
  name: container.name
  properties: {
    resource: union({
      id: container.name
      partitionKey: {
        paths: [
          container.partitionKeyPath
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
        compositeIndexes: container.compositeIndexes
      }
    }, container.defaultTtl == null ? {} : {
      defaultTtl: container.defaultTtl
    })
    options: {}
  }
}]

@description('The name of the Cosmos DB account.')
output name string = account.name

@description('The resource id of the Cosmos DB account.')
output resourceId string = account.id

@description('The document endpoint of the account (COSMOS_ENDPOINT).')
output endpoint string = account.properties.documentEndpoint

@description('The name of the SQL database.')
output databaseName string = database.name
