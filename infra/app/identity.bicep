// The Function App's user-assigned identity: every connection the app makes uses it.

@description('Required. Name of the user-assigned managed identity.')
param name string

@description('Optional. Location of the identity. Defaults to the resource group location.')
param location string = resourceGroup().location

@description('Optional. Tags of the identity. Defaults to none.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('The name of the identity.')
output name string = identity.name

@description('The resource id of the identity.')
output resourceId string = identity.id

@description('The client (application) id of the identity, for AZURE_CLIENT_ID and the __clientId settings.')
output clientId string = identity.properties.clientId

@description('The principal (object) id of the identity, for role assignments.')
output principalId string = identity.properties.principalId
