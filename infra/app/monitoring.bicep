// Log Analytics and workspace-based Application Insights, both without local (key) auth:
// the app sends telemetry with its identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).

@description('Required. Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@description('Optional. Location of both resources. Defaults to the resource group location.')
param location string = resourceGroup().location

@description('Optional. Tags of both resources. Defaults to none.')
param tags object = {}

@minValue(30)
@maxValue(730)
@description('Optional. Days the workspace keeps data. Defaults to 30.')
param retentionInDays int = 30

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

@description('The name of the Log Analytics workspace.')
output logAnalyticsName string = logAnalytics.name

@description('The resource id of the Log Analytics workspace.')
output logAnalyticsResourceId string = logAnalytics.id

@description('The name of the Application Insights component.')
output applicationInsightsName string = applicationInsights.name

@description('The resource id of the Application Insights component.')
output applicationInsightsResourceId string = applicationInsights.id

@description('The Application Insights connection string (not a secret: ingestion requires Entra ID auth).')
output connectionString string = applicationInsights.properties.ConnectionString
