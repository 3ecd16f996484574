// The BookMe Function App on a Flex Consumption plan (Python 3.11), running as its
// user-assigned identity, reachable only from API Management.
// The app settings below are the code's setting names; tools/check_infra.py compares them
// with local.settings.sample.json.

@description('Required. Function App name.')
param name string

@description('Required. Flex Consumption plan name.')
param planName string

@description('Optional. Location of the plan and the app. Defaults to the resource group location.')
param location string = resourceGroup().location

@description('Optional. Tags of the plan and the app; the app also gets azd-service-name api. Defaults to none.')
param tags object = {}

@description('Required. Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Required. Client id of that identity.')
param identityClientId string

@description('Required. Name of the host storage account (AzureWebJobsStorage).')
param storageAccountName string

@description('Required. Blob container in that account for the deployment package.')
param deploymentContainerName string

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@minValue(0)
@maxValue(20)
@description('Optional. Always-ready instances for the HTTP functions. Defaults to 0.')
param alwaysReadyInstanceCount int = 0

@allowed([
  512
  2048
  4096
])
@description('Optional. Instance memory in MB. Defaults to 2048.')
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Optional. Maximum instance count. Defaults to 40.')
param maximumInstanceCount int = 40

@minValue(1)
@maxValue(1000)
@description('Optional. Concurrent HTTP invocations per instance before the platform scales out (Python\'s platform default is 1). Defaults to 16.')
param httpPerInstanceConcurrency int = 16

@minValue(1)
@description('Optional. Size of the Cosmos DB connection pool of each instance (COSMOS_MAX_CONNECTIONS): 4 per concurrent HTTP request. Defaults to 64.')
param cosmosMaxConnections int = 64

@description('Optional. Whether the plan is zone redundant. Defaults to false.')
param zoneRedundant bool = false

@description('Required. IPv4 addresses (without prefix) allowed to call the app: API Management\'s public addresses. May be empty when allowedInboundServiceTags is not.')
param allowedInboundAddresses array

@description('Optional. Service tags allowed to call the app, for API Management tiers without a static address. Defaults to none.')
param allowedInboundServiceTags array = []

@description('Required. Cosmos DB account endpoint (COSMOS_ENDPOINT).')
param cosmosEndpoint string

@description('Optional. Cosmos DB database name (COSMOS_DATABASE). Defaults to bookme.')
param cosmosDatabaseName string = 'bookme'

@description('Required. Service Bus namespace host name (SERVICEBUS_CONNECTION__fullyQualifiedNamespace).')
param serviceBusFullyQualifiedNamespace string

@description('Optional. Notifications queue name (NOTIFICATIONS_QUEUE). Defaults to notifications.')
param notificationsQueueName string = 'notifications'

@description('Optional. Webhook deliveries queue name (WEBHOOKS_QUEUE). Defaults to webhooks.')
param webhooksQueueName string = 'webhooks'

@description('Optional. Queue of messages the functions could not handle (SET_ASIDE_QUEUE). Defaults to set-aside.')
param setAsideQueueName string = 'set-aside'

@description('Optional. Wait before the timer re-publishes an outbox, doubled per attempt, as a TimeSpan (OUTBOX_REPUBLISH_AFTER). Defaults to 00:00:30.')
param outboxRepublishAfter string = '00:00:30'

@description('Optional. Waits before each webhook retry, comma-separated TimeSpans (WEBHOOK_RETRY_SCHEDULE). Defaults to 27.5 hours of retries.')
param webhookRetrySchedule string = '00:00:05,00:05:00,00:30:00,02:00:00,05:00:00,10:00:00,10:00:00'

@description('Optional. Time a webhook receiver has to answer, as a TimeSpan (WEBHOOK_TIMEOUT). Defaults to 00:00:05.')
param webhookTimeout string = '00:00:05'

@description('Optional. Reservation lifetime as a .NET TimeSpan (RESERVATION_TTL). Defaults to 00:05:00.')
param reservationTtl string = '00:05:00'

@description('Optional. NCRONTAB schedule of the expire_reservations timer (RESERVATION_EXPIRY_SCHEDULE). Defaults to every minute.')
param reservationExpirySchedule string = '0 */1 * * * *'

@description('Optional. NCRONTAB schedule of the republish_outbox timer (OUTBOX_REPUBLISH_SCHEDULE). Defaults to every minute.')
param outboxRepublishSchedule string = '0 */1 * * * *'

@description('Optional. NCRONTAB schedule of the erase_personal_data_past_retention timer (PERSONAL_DATA_RETENTION_SCHEDULE). Defaults to every minute.')
param personalDataRetentionSchedule string = '0 */1 * * * *'

@description('Optional. NCRONTAB schedule of the forget_idempotency_keys timer (IDEMPOTENCY_CLEANUP_SCHEDULE). Defaults to every minute.')
param idempotencyCleanupSchedule string = '0 */1 * * * *'

@description('Optional. NCRONTAB schedule of the forget_expired_outbox_documents timer (OUTBOX_CLEANUP_SCHEDULE). Defaults to every minute.')
param outboxCleanupSchedule string = '0 */1 * * * *'

@description('Optional. NCRONTAB schedule of the repair_interrupted_writes timer (INTERRUPTED_WRITES_REPAIR_SCHEDULE). Defaults to every minute.')
param interruptedWritesRepairSchedule string = '0 */1 * * * *'

@description('Optional. Microsoft Graph base address (GRAPH_BASE_URL). Defaults to the global cloud\'s v1.0.')
param graphBaseUrl string = 'https://graph.microsoft.com/v1.0'

@description('Optional. Where Graph posts Outlook notifications (OUTLOOK_NOTIFICATION_URL); empty: no subscriptions, reconciliation only. Defaults to empty.')
param outlookNotificationUrl string = ''

@secure()
@description('Optional. Secret Graph returns with every notification (OUTLOOK_CLIENT_STATE); a new value renews every subscription. Defaults to empty (no subscriptions).')
param outlookClientState string = ''

@description('Optional. Queue of Outlook mailboxes to sync (OUTLOOK_SYNC_QUEUE). Defaults to outlook-sync.')
param outlookSyncQueueName string = 'outlook-sync'

@description('Optional. Queue of meetings whose Outlook events to write (OUTLOOK_EVENTS_QUEUE). Defaults to outlook-events.')
param outlookEventsQueueName string = 'outlook-events'

@description('Optional. NCRONTAB schedule of the Outlook reconciliation (OUTLOOK_RECONCILE_SCHEDULE). Defaults to every 15 minutes.')
param outlookReconcileSchedule string = '0 */15 * * * *'

@description('Optional. NCRONTAB schedule of the Outlook subscriptions chore (OUTLOOK_SUBSCRIPTIONS_SCHEDULE). Defaults to hourly.')
param outlookSubscriptionsSchedule string = '0 7 * * * *'

@description('Optional. How far ahead Outlook time is mirrored, as a TimeSpan (OUTLOOK_SYNC_WINDOW). Defaults to 120.00:00:00.')
param outlookSyncWindow string = '120.00:00:00'

@description('Optional. Waits before each retry while Graph is down, comma-separated TimeSpans (OUTLOOK_RETRY_SCHEDULE). Defaults to 5 s up to 30 min.')
param outlookRetrySchedule string = '00:00:05,00:00:30,00:02:00,00:05:00,00:15:00,00:30:00'

@description('Required. Entra ID tenant of the accepted tokens (AUTH_TENANT_ID).')
param authTenantId string

@description('Required. Audience of the accepted tokens (AUTH_AUDIENCE).')
param authAudience string

@description('Optional. Sender address of meeting e-mails (MAIL_SENDER). Defaults to empty.')
param mailSender string = ''

@description('Optional. Azure Communication Services endpoint (ACS_ENDPOINT). Defaults to empty.')
param acsEndpoint string = ''

@description('Optional. NCRONTAB schedule of the booking page\'s reminder e-mails (REMINDERS_SCHEDULE). Defaults to every minute.')
param remindersSchedule string = '0 */1 * * * *'

@description('Required. Public base address of the customer booking page, API Management\'s /api/book (BOOKING_PAGE_URL).')
param bookingPageUrl string

@description('Optional. OpenID Connect issuer of MitID sign-in, e.g. a MitID broker (MITID_ISSUER). Defaults to empty (MitID portals cannot sign in).')
param mitidIssuer string = ''

@description('Optional. The booking page\'s client id at the MitID issuer (MITID_CLIENT_ID). Defaults to empty.')
param mitidClientId string = ''

@description('Optional. Key Vault secret URI of the MitID client secret, read through a Key Vault reference with the app identity (MITID_CLIENT_SECRET). Defaults to none: a public client with PKCE.')
param mitidClientSecretUri string = ''

@description('Optional. ID token claim holding the CPR number at the MitID issuer (MITID_CPR_CLAIM). Defaults to dk.cpr.')
param mitidCprClaim string = 'dk.cpr'

@description('Optional. OpenID Connect issuer of Entra ID sign-in (AZUREAD_ISSUER). Defaults to empty (AzureAD portals cannot sign in).')
param azureAdIssuer string = ''

@description('Optional. The booking page\'s client id at the Entra ID issuer (AZUREAD_CLIENT_ID). Defaults to empty.')
param azureAdClientId string = ''

@description('Optional. Key Vault secret URI of the Entra ID client secret (AZUREAD_CLIENT_SECRET). Defaults to none.')
param azureAdClientSecretUri string = ''

@description('Optional. ID token claim holding the CPR number at the Entra ID issuer (AZUREAD_CPR_CLAIM). Defaults to cpr.')
param azureAdCprClaim string = 'cpr'

@minValue(1)
@description('Optional. Holds the booking page makes per session per hour (PAGE_HOLDS_PER_SESSION). Defaults to 10.')
param pageHoldsPerSession int = 10

@minValue(1)
@description('Optional. Holds the booking page makes per client address per hour (PAGE_HOLDS_PER_ADDRESS). Defaults to 30.')
param pageHoldsPerAddress int = 30

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// No secret in any setting: every connection is made with the user-assigned identity.
var appSettings = {
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  AZURE_CLIENT_ID: identityClientId
  COSMOS_ENDPOINT: cosmosEndpoint
  COSMOS_DATABASE: cosmosDatabaseName
  COSMOS_RETRY_TOTAL: '9'
  COSMOS_RETRY_BACKOFF_MAX: '10'
  COSMOS_REQUEST_TIMEOUT: '10'
  COSMOS_MAX_CONNECTIONS: string(cosmosMaxConnections)
  SERVICEBUS_CONNECTION__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  SERVICEBUS_CONNECTION__credential: 'managedidentity'
  SERVICEBUS_CONNECTION__clientId: identityClientId
  NOTIFICATIONS_QUEUE: notificationsQueueName
  WEBHOOKS_QUEUE: webhooksQueueName
  SET_ASIDE_QUEUE: setAsideQueueName
  OUTBOX_REPUBLISH_AFTER: outboxRepublishAfter
  // Never in Azure: webhooks go to public https addresses only (SSRF).
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'false'
  WEBHOOK_RETRY_SCHEDULE: webhookRetrySchedule
  WEBHOOK_TIMEOUT: webhookTimeout
  // The advisors' Outlook calendars (docs/deploy.md, "Outlook"): Graph with the app's identity.
  GRAPH_BASE_URL: graphBaseUrl
  GRAPH_TIMEOUT: '00:00:10'
  OUTLOOK_NOTIFICATION_URL: outlookNotificationUrl
  OUTLOOK_CLIENT_STATE: outlookClientState
  OUTLOOK_SYNC_QUEUE: outlookSyncQueueName
  OUTLOOK_EVENTS_QUEUE: outlookEventsQueueName
  OUTLOOK_RECONCILE_SCHEDULE: outlookReconcileSchedule
  OUTLOOK_SUBSCRIPTIONS_SCHEDULE: outlookSubscriptionsSchedule
  OUTLOOK_SYNC_WINDOW: outlookSyncWindow
  OUTLOOK_RETRY_SCHEDULE: outlookRetrySchedule
  RESERVATION_TTL: reservationTtl
  RESERVATION_EXPIRY_SCHEDULE: reservationExpirySchedule
  OUTBOX_REPUBLISH_SCHEDULE: outboxRepublishSchedule
  PERSONAL_DATA_RETENTION_SCHEDULE: personalDataRetentionSchedule
  IDEMPOTENCY_CLEANUP_SCHEDULE: idempotencyCleanupSchedule
  INTERRUPTED_WRITES_REPAIR_SCHEDULE: interruptedWritesRepairSchedule
  OUTBOX_CLEANUP_SCHEDULE: outboxCleanupSchedule
  REMINDERS_SCHEDULE: remindersSchedule
  BOOKING_PAGE_URL: bookingPageUrl
  MITID_ISSUER: mitidIssuer
  MITID_CLIENT_ID: mitidClientId
  // A Key Vault reference, resolved by the platform with the app identity: no secret in the settings.
  MITID_CLIENT_SECRET: empty(mitidClientSecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${mitidClientSecretUri})'
  MITID_CPR_CLAIM: mitidCprClaim
  AZUREAD_ISSUER: azureAdIssuer
  AZUREAD_CLIENT_ID: azureAdClientId
  AZUREAD_CLIENT_SECRET: empty(azureAdClientSecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${azureAdClientSecretUri})'
  AZUREAD_CPR_CLAIM: azureAdCprClaim
  PAGE_HOLDS_PER_SESSION: string(pageHoldsPerSession)
  PAGE_HOLDS_PER_ADDRESS: string(pageHoldsPerAddress)
  // Client -> API Management -> the Functions front end: the client's address is the second entry from the end.
  PAGE_PROXY_HOPS: '2'
  AUTH_TENANT_ID: authTenantId
  AUTH_AUDIENCE: authAudience
  MAIL_SENDER: mailSender
  ACS_ENDPOINT: acsEndpoint
}

var addressRules = [for (address, i) in allowedInboundAddresses: {
  name: 'apim-address-${i}'
  description: 'API Management gateway'
  action: 'Allow'
  priority: 100 + i
  ipAddress: '${address}/32'
}]

var serviceTagRules = [for (serviceTag, i) in allowedInboundServiceTags: {
  name: 'apim-tag-${i}'
  description: 'API Management gateway (shared outbound addresses)'
  action: 'Allow'
  priority: 200 + i
  tag: 'ServiceTag'
  ipAddress: serviceTag
}]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  // checkov:skip=CKV_AZURE_225:Flex Consumption zone redundancy exists only in some regions; it is the zoneRedundant parameter (set it to true for production where supported).
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
    zoneRedundant: zoneRedundant
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  // checkov:skip=CKV_AZURE_222:API Management (Developer or Consumption tier, no VNet) reaches the app over its public endpoint; ipSecurityRestrictions admit API Management only and deny the rest.
  // checkov:skip=CKV_AZURE_17:Callers are authenticated by Entra ID tokens (validated by API Management and again by the app) and the network is limited to API Management; no client certificate to manage.
  // checkov:skip=CKV_AZURE_212:numberOfWorkers does not apply to Flex Consumption, which scales per event; warm capacity is the alwaysReadyInstanceCount parameter.
  // checkov:skip=CKV_AZURE_213:Flex Consumption replaces unhealthy instances itself and has no health-check instance eviction; the unauthenticated GET /api/health serves availability tests.
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      remoteDebuggingEnabled: false
      cors: {
        allowedOrigins: []
      }
      // Only API Management may call the functions; the deployment endpoint (scm) keeps its
      // own rules because azd publishes there, and it accepts Entra ID tokens only.
      ipSecurityRestrictionsDefaultAction: 'Deny'
      ipSecurityRestrictions: concat(addressRules, serviceTagRules)
      scmIpSecurityRestrictionsUseMain: false
      scmIpSecurityRestrictionsDefaultAction: 'Allow'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
        alwaysReady: alwaysReadyInstanceCount > 0 ? [
          {
            name: 'http'
            instanceCount: alwaysReadyInstanceCount
          }
        ] : []
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
  }
}

resource appSettingsConfig 'Microsoft.Web/sites/config@2024-04-01' = {
  // checkov:skip=CKV_AZURE_13:Tokens are validated by API Management (validate-jwt) and again in the app code; App Service Authentication would duplicate that and needs its own app registration secret.
  // checkov:skip=CKV_AZURE_63:checkov reads this app-settings resource as site config; HTTP logging is an IIS (Windows) feature; Flex Consumption is Linux and logs requests to Application Insights.
  // checkov:skip=CKV_AZURE_65:Same as CKV_AZURE_63: detailed error pages are an IIS feature; errors go to Application Insights.
  // checkov:skip=CKV_AZURE_66:Same as CKV_AZURE_63: failed request tracing is an IIS feature; failed requests go to Application Insights.
  // checkov:skip=CKV_AZURE_80:Not a .NET app: the runtime is Python 3.11 (functionAppConfig.runtime).
  // checkov:skip=CKV_AZURE_88:Flex Consumption uses no Azure Files content share; the package is deployed from a blob container by identity.
  // checkov:skip=CKV_AZURE_222:This resource holds app settings only; public access is decided on the site (see the skip on functionApp).
  parent: functionApp
  name: 'appsettings'
  properties: appSettings
}

// Publishing with FTP or user/password is off: azd deploys with an Entra ID token.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('The name of the Function App.')
output name string = functionApp.name

@description('The resource id of the Function App.')
output resourceId string = functionApp.id

@description('The default host name of the Function App.')
output defaultHostName string = functionApp.properties.defaultHostName

@description('The base address of the Function App (reachable from API Management only).')
output uri string = 'https://${functionApp.properties.defaultHostName}'
