// BookMe: the whole deployment, at subscription scope so `azd up` can create the resource group.
// Every resource is declared in a local module under app/ (not a registry module) so the
// checks in tools/check_infra.py can see and lint all of it without network access.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Required. Name of the azd environment; seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Required. Azure region for every resource. It must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Optional. Object id of the deploying user or service principal; it gets data-plane access to Cosmos DB and Service Bus for local runs against Azure. Defaults to none.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
@description('Optional. Kind of principal that principalId names. Defaults to User.')
param principalType string = 'User'

// ---------------------------------------------------------------------------------------------
// Name overrides: empty means "derive from the environment"
// ---------------------------------------------------------------------------------------------

@description('Optional. Resource group name. Defaults to rg-<environmentName>.')
param resourceGroupName string = ''

@description('Optional. Function App name. Defaults to func-api-<token>.')
param apiServiceName string = ''

@description('Optional. Name of the Function App\'s user-assigned identity. Defaults to id-api-<token>.')
param apiUserAssignedIdentityName string = ''

@description('Optional. Flex Consumption plan name. Defaults to plan-<token>.')
param appServicePlanName string = ''

@description('Optional. Storage account name (3-24 lowercase letters and digits). Defaults to st<token>.')
param storageAccountName string = ''

@description('Optional. Cosmos DB account name. Defaults to cosmos-<token>.')
param cosmosAccountName string = ''

@description('Optional. Service Bus namespace name. Defaults to sb-<token>.')
param serviceBusNamespaceName string = ''

@description('Optional. Log Analytics workspace name. Defaults to log-<token>.')
param logAnalyticsName string = ''

@description('Optional. Application Insights name. Defaults to appi-<token>.')
param applicationInsightsName string = ''

@description('Optional. API Management service name. Defaults to apim-<token>.')
param apimServiceName string = ''

// ---------------------------------------------------------------------------------------------
// Function App (Flex Consumption)
// ---------------------------------------------------------------------------------------------

// The reasoning behind these defaults is in docs/deploy.md ("Scale and concurrency").

@minValue(0)
@maxValue(20)
@description('Optional. Always-ready instances kept warm for the HTTP functions (billed while idle): the first request never waits for a cold start. Set 0 for test environments. Defaults to 1.')
param alwaysReadyInstanceCount int = 1

@allowed([
  512
  2048
  4096
])
@description('Optional. Memory of each Flex Consumption instance in MB; CPU grows with it (2048 MB gives the single Python worker a whole core for availability searches). Defaults to 2048.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Optional. Concurrent HTTP requests one instance takes before the platform adds another. The handlers are async and mostly wait on Cosmos DB, so one Python worker serves many at once (the platform default for Python is 1). Defaults to 16.')
param httpPerInstanceConcurrency int = 16

@minValue(40)
@maxValue(1000)
@description('Optional. Upper bound of Flex Consumption scale-out: maximumInstanceCount x httpPerInstanceConcurrency requests at once; Cosmos DB throughput, not compute, is the limit beyond that. Defaults to 40.')
param maximumInstanceCount int = 40

@description('Optional. Whether the Flex Consumption plan spreads instances over availability zones (region must support it). Defaults to false.')
param zoneRedundant bool = false

// ---------------------------------------------------------------------------------------------
// Data and messaging
// ---------------------------------------------------------------------------------------------

@allowed([
  'Serverless'
  'Autoscale'
])
@description('Optional. Cosmos DB capacity: Serverless (pay per request) or Autoscale (shared database throughput). Defaults to Serverless.')
param cosmosCapacityMode string = 'Serverless'

@minValue(1000)
@maxValue(1000000)
@description('Optional. Autoscale maximum RU/s of the bookme database; used only when cosmosCapacityMode is Autoscale. Defaults to 1000.')
param cosmosAutoscaleMaxThroughput int = 1000

@allowed([
  'Standard'
  'Premium'
])
@description('Optional. Service Bus namespace tier (Basic lacks the duplicate detection the queues need). Defaults to Standard.')
param serviceBusSku string = 'Standard'

@minValue(30)
@maxValue(730)
@description('Optional. Days Log Analytics keeps logs. Defaults to 30.')
param logRetentionInDays int = 30

// ---------------------------------------------------------------------------------------------
// API Management
// ---------------------------------------------------------------------------------------------

@allowed([
  'Developer'
  'Consumption'
])
@description('Optional. API Management tier. Developer has a static IP that the Function App admits alone; Consumption is cheaper but shares regional IPs. Defaults to Developer.')
param apimSku string = 'Developer'

@minLength(3)
@description('Required. E-mail address of the API publisher, shown by API Management.')
param apimPublisherEmail string

@description('Optional. Organization name of the API publisher. Defaults to BookMe.')
param apimPublisherName string = 'BookMe'

@minValue(1)
@maxValue(100000)
@description('Optional. Calls each subscription may make per renewal period. Defaults to 100.')
param rateLimitCalls int = 100

@minValue(1)
@maxValue(3600)
@description('Optional. Rate-limit renewal period in seconds. Defaults to 60.')
param rateLimitRenewalPeriod int = 60

// ---------------------------------------------------------------------------------------------
// Application settings
// ---------------------------------------------------------------------------------------------

@description('Optional. Entra ID tenant whose tokens the API accepts. Defaults to the deployment tenant.')
param authTenantId string = tenant().tenantId

@minLength(1)
@description('Optional. Audience (App ID URI) the access tokens must carry. Defaults to api://bookme.')
param authAudience string = 'api://bookme'

@description('Optional. How long a time-slot reservation blocks the time (.NET TimeSpan). Defaults to 00:05:00.')
param reservationTtl string = '00:05:00'

@description('Optional. NCRONTAB schedule of the timer that deletes expired reservations. Defaults to every minute.')
param reservationExpirySchedule string = '0 */1 * * * *'

@description('Optional. NCRONTAB schedule of the timer that re-publishes what a queue missed. Defaults to every minute.')
param outboxRepublishSchedule string = '0 */1 * * * *'

@description('Optional. NCRONTAB schedule of the timer that erases personal data past retention. Defaults to every minute.')
param personalDataRetentionSchedule string = '0 */1 * * * *'

@description('Optional. NCRONTAB schedule of the timer that removes outbox documents past their life. Defaults to every minute.')
param outboxCleanupSchedule string = '0 */1 * * * *'

@description('Optional. NCRONTAB schedule of the timer that forgets expired Idempotency-Key records. Defaults to every minute.')
param idempotencyCleanupSchedule string = '0 */1 * * * *'

@description('Optional. NCRONTAB schedule of the timer that repairs moves and spills a process left half done. Defaults to every minute.')
param interruptedWritesRepairSchedule string = '0 */1 * * * *'

@description('Optional. OpenID Connect issuer of the booking page\'s MitID sign-in (a MitID broker). Defaults to empty (MitID portals cannot sign in).')
param mitidIssuer string = ''

@description('Optional. The booking page\'s client id at the MitID issuer. Defaults to empty.')
param mitidClientId string = ''

@description('Optional. Key Vault secret URI of the MitID client secret. Defaults to none (a public client with PKCE).')
param mitidClientSecretUri string = ''

@description('Optional. ID token claim holding the CPR number at the MitID issuer. Defaults to dk.cpr.')
param mitidCprClaim string = 'dk.cpr'

@description('Optional. OpenID Connect issuer of the booking page\'s Entra ID sign-in. Defaults to empty (AzureAD portals cannot sign in).')
param azureAdIssuer string = ''

@description('Optional. The booking page\'s client id at the Entra ID issuer. Defaults to empty.')
param azureAdClientId string = ''

@description('Optional. Key Vault secret URI of the Entra ID client secret. Defaults to none.')
param azureAdClientSecretUri string = ''

@description('Optional. ID token claim holding the CPR number at the Entra ID issuer. Defaults to cpr.')
param azureAdCprClaim string = 'cpr'

@description('Optional. Sender address of the meeting e-mails. Defaults to empty (e-mail disabled).')
param mailSender string = ''

@description('Optional. Azure Communication Services endpoint used to send e-mail with the app identity. Defaults to empty (e-mail disabled).')
param acsEndpoint string = ''

// Kept by azd in the environment (azd env set OUTLOOK_CLIENT_STATE ...): a new value makes every
// Graph subscription anew at the next run of the subscriptions timer (docs/deploy.md, "Outlook").
@secure()
@description('Required. Secret Graph returns with every Outlook notification; empty: no subscriptions (reconciliation only).')
param outlookClientState string


// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var cosmosDatabaseName = 'bookme'
var notificationsQueueName = 'notifications'
var webhooksQueueName = 'webhooks'
var setAsideQueueName = 'set-aside'
var outlookSyncQueueName = 'outlook-sync'
var outlookEventsQueueName = 'outlook-events'
var functionAppName = !empty(apiServiceName) ? apiServiceName : '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

// API Management needs the backend address before the Function App exists (the app in turn
// admits only API Management's address), so the default host name is derived, not read.
var functionAppHostName = '${functionAppName}.azurewebsites.net'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity './app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: !empty(apiUserAssignedIdentityName) ? apiUserAssignedIdentityName : '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring './app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: !empty(logAnalyticsName) ? logAnalyticsName : '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: !empty(applicationInsightsName) ? applicationInsightsName : '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module storage './app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: !empty(storageAccountName) ? storageAccountName : '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module cosmos './app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: !empty(cosmosAccountName) ? cosmosAccountName : '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
  }
}

module serviceBus './app/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    name: !empty(serviceBusNamespaceName) ? serviceBusNamespaceName : '${abbrs.serviceBusNamespaces}${resourceToken}'
    location: location
    tags: tags
    skuName: serviceBusSku
    queueName: notificationsQueueName
    webhooksQueueName: webhooksQueueName
    setAsideQueueName: setAsideQueueName
    outlookSyncQueueName: outlookSyncQueueName
    outlookEventsQueueName: outlookEventsQueueName
  }
}

module apim './app/apim.bicep' = {
  name: 'apim'
  scope: rg
  params: {
    name: !empty(apimServiceName) ? apimServiceName : '${abbrs.apiManagementService}${resourceToken}'
    location: location
    tags: tags
    skuName: apimSku
    publisherEmail: apimPublisherEmail
    publisherName: apimPublisherName
    backendHostName: functionAppHostName
    tenantId: authTenantId
    audience: authAudience
    rateLimitCalls: rateLimitCalls
    rateLimitRenewalPeriod: rateLimitRenewalPeriod
  }
}

module api './app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: !empty(appServicePlanName) ? appServicePlanName : '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    alwaysReadyInstanceCount: alwaysReadyInstanceCount
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    // A request makes at most 4 Cosmos DB calls at once (asyncio.gather), so the pool holds 4 per request slot.
    cosmosMaxConnections: httpPerInstanceConcurrency * 4
    zoneRedundant: zoneRedundant
    allowedInboundAddresses: apim.outputs.outboundAddresses
    allowedInboundServiceTags: apim.outputs.outboundServiceTags
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmosDatabaseName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    notificationsQueueName: notificationsQueueName
    webhooksQueueName: webhooksQueueName
    setAsideQueueName: setAsideQueueName
    outlookNotificationUrl: apim.outputs.outlookNotificationUrl
    outlookClientState: outlookClientState
    outlookSyncQueueName: outlookSyncQueueName
    outlookEventsQueueName: outlookEventsQueueName
    reservationTtl: reservationTtl
    reservationExpirySchedule: reservationExpirySchedule
    outboxRepublishSchedule: outboxRepublishSchedule
    personalDataRetentionSchedule: personalDataRetentionSchedule
    idempotencyCleanupSchedule: idempotencyCleanupSchedule
    outboxCleanupSchedule: outboxCleanupSchedule
    interruptedWritesRepairSchedule: interruptedWritesRepairSchedule
    authTenantId: authTenantId
    authAudience: authAudience
    mailSender: mailSender
    acsEndpoint: acsEndpoint
    bookingPageUrl: apim.outputs.bookingPageUrl
    mitidIssuer: mitidIssuer
    mitidClientId: mitidClientId
    mitidClientSecretUri: mitidClientSecretUri
    mitidCprClaim: mitidCprClaim
    azureAdIssuer: azureAdIssuer
    azureAdClientId: azureAdClientId
    azureAdClientSecretUri: azureAdClientSecretUri
    azureAdCprClaim: azureAdCprClaim
  }
}

module rbac './app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    principalId: principalId
    principalType: principalType
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs: azd stores them in .azure/<env>/.env; the app-setting ones keep their setting names
// ---------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output APIM_NAME string = apim.outputs.name
output APIM_GATEWAY_URL string = apim.outputs.gatewayUrl
output BOOKME_API_V3_URL string = '${apim.outputs.gatewayUrl}/api/v3/bookme'
output BOOKME_API_V2_URL string = '${apim.outputs.gatewayUrl}/api/v2/bookme'
output BOOKING_PAGE_URL string = apim.outputs.bookingPageUrl
output BOOKING_PAGE_URL string = apim.outputs.bookingPageUrl

output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmosDatabaseName
output SERVICEBUS_CONNECTION__fullyQualifiedNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output NOTIFICATIONS_QUEUE string = notificationsQueueName
output WEBHOOKS_QUEUE string = webhooksQueueName
output SET_ASIDE_QUEUE string = setAsideQueueName
output AUTH_TENANT_ID string = authTenantId
output AUTH_AUDIENCE string = authAudience
output RESERVATION_TTL string = reservationTtl
// Not named AZURE_CLIENT_ID: in a local shell that name would steer DefaultAzureCredential.
output SERVICE_API_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
output OUTLOOK_NOTIFICATION_URL string = apim.outputs.outlookNotificationUrl
