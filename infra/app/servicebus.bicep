// Service Bus namespace (Entra ID auth only) and its queues: meeting notifications from the
// booking functions to the Service Bus-triggered mailer, webhook deliveries (with their
// scheduled retries) to the Service Bus-triggered webhook sender, the messages either function
// set aside, and the Outlook sync's two queues (mailboxes to sync, meetings whose Outlook events
// to write).

@description('Required. Service Bus namespace name.')
param name string

@description('Optional. Location of the namespace. Defaults to the resource group location.')
param location string = resourceGroup().location

@description('Optional. Tags of the namespace. Defaults to none.')
param tags object = {}

// Basic has no duplicate detection.
@allowed([
  'Standard'
  'Premium'
])
@description('Optional. Namespace tier (Basic lacks duplicate detection). Defaults to Standard.')
param skuName string = 'Standard'

@description('Optional. Name of the notifications queue. Defaults to notifications.')
param queueName string = 'notifications'

@description('Optional. Name of the webhook deliveries queue. Defaults to webhooks.')
param webhooksQueueName string = 'webhooks'

@description('Optional. Name of the queue of set-aside messages. Defaults to set-aside.')
param setAsideQueueName string = 'set-aside'

@description('Optional. Name of the queue of Outlook mailboxes to sync (Graph notifications, reconciliation). Defaults to outlook-sync.')
param outlookSyncQueueName string = 'outlook-sync'

@description('Optional. Name of the queue of meetings whose Outlook events to write. Defaults to outlook-events.')
param outlookEventsQueueName string = 'outlook-events'

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

// Every queue keeps the promises of shared/rules/messaging.py (local stand-in: shared/adapters/local_queue.py):
// - duplicate detection with a one-day window: every message is sent with a deterministic MessageId
//   (an outbox's notice, a webhook delivery's attempt), and the outbox may be re-published for up to
//   4 h 15 min (10 attempts, doubling from OUTBOX_REPUBLISH_AFTER = 30 s); a day covers that with
//   room for a slower first wait. Duplicate detection cannot be switched on for an existing queue
//   (see docs/deploy.md);
// - messages expire in 14 days and are not dead-lettered when they do: a message holds references
//   only, and the dead-letter queue would keep it forever;
// - the functions set a message aside themselves on its 10th delivery; maxDeliveryCount is above
//   that, so only a message that could not even be set aside is ever dead-lettered.
var queueProperties = {
  maxDeliveryCount: 20
  lockDuration: 'PT1M'
  defaultMessageTimeToLive: 'P14D'
  deadLetteringOnMessageExpiration: false
  requiresDuplicateDetection: true
  duplicateDetectionHistoryTimeWindow: 'P1D'
}

resource notificationsQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: queueName
  properties: queueProperties
}

// Retries of a failed POST are scheduled messages published by the function itself; the
// delivery count only covers function failures.
resource webhooksQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: webhooksQueueName
  properties: queueProperties
}

// What the functions could not handle, with the reason: nobody drains it; on-call reads and replays
// (docs/operations.md), and each message expires after 14 days.
resource setAsideQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: setAsideQueueName
  properties: queueProperties
}

// Outlook: Graph outages and throttling are retried by messages the functions schedule themselves;
// the delivery count covers function failures only. A mailbox's delta round may take a few
// minutes of pages and Retry-After waits, hence the longer locks.
resource outlookSyncQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: outlookSyncQueueName
  properties: union(queueProperties, {
    lockDuration: 'PT5M'
  })
}

resource outlookEventsQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: outlookEventsQueueName
  properties: union(queueProperties, {
    lockDuration: 'PT2M'
  })
}

@description('The name of the namespace.')
output name string = namespace.name

@description('The resource id of the namespace.')
output resourceId string = namespace.id

@description('The namespace host name, for SERVICEBUS_CONNECTION__fullyQualifiedNamespace.')
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]

@description('The name of the notifications queue.')
output queueName string = notificationsQueue.name

@description('The name of the webhook deliveries queue.')
output webhooksQueueName string = webhooksQueue.name

@description('The name of the queue of set-aside messages.')
output setAsideQueueName string = setAsideQueue.name

@description('The name of the queue of Outlook mailboxes to sync.')
output outlookSyncQueueName string = outlookSyncQueue.name

@description('The name of the queue of meetings whose Outlook events to write.')
output outlookEventsQueueName string = outlookEventsQueue.name
