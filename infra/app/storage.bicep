// The Function App's host storage (AzureWebJobsStorage) and its deployment-package container.
// Shared keys are off: the runtime and the deployment both use the app's identity.

@description('Required. Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Required. Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Optional. Location of the account. Defaults to the resource group location.')
param location string = resourceGroup().location

@description('Optional. Tags of the account. Defaults to none.')
param tags object = {}

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
@description('Optional. Replication of the account. Defaults to Standard_ZRS.')
param skuName string = 'Standard_ZRS'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  // checkov:skip=CKV_AZURE_35:Without VNet integration the Flex Consumption app reaches storage from shared outbound addresses, so the firewall cannot default to Deny; shared keys are disabled and every caller needs an Entra ID role.
  // checkov:skip=CKV_AZURE_59:Same as CKV_AZURE_35: the public endpoint stays for the Function App, guarded by Entra ID only (no shared keys, no anonymous blobs).
  // checkov:skip=CKV_AZURE_206:Host storage holds only runtime leases, timer state and the re-publishable deployment package; ZRS survives a zone loss and geo-replication would protect no business data.
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    dnsEndpointType: 'Standard'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobServices 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobServices
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

@description('The name of the storage account.')
output name string = storage.name

@description('The resource id of the storage account.')
output resourceId string = storage.id

@description('The blob endpoint of the storage account.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob
