// Service Bus namespace (Entra ID auth only) and its queues: meeting notifications from the
// booking functions to the Service Bus-triggered mailer, webhook deliveries (with their
// scheduled retries) to the Service Bus-triggered webhook sender, and the Outlook sync's two
// queues (mailboxes to sync, meetings whose Outlook events to write).

@description('Required. Service Bus namespace name.')
param name string

@description('Optional. Location of the namespace. Defaults to the resource group location.')
param location string = resourceGroup().location

@description('Optional. Tags of the namespace. Defaults to none.')
param tags object = {}

@allowed([
  'Basic'
  'Standard'
])
@description('Optional. Namespace tier. Defaults to Standard.')
param skuName string = 'Standard'

@description('Optional. Name of the notifications queue. Defaults to notifications.')
param queueName string = 'notifications'

@description('Optional. Name of the webhook deliveries queue. Defaults to webhooks.')
param webhooksQueueName string = 'webhooks'

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

resource notificationsQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: queueName
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
  }
}

// Retries of a failed POST are scheduled messages published by the function itself; the
// delivery count only covers function failures. Dead letters keep the reason in the body.
resource webhooksQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: webhooksQueueName
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
  }
}

// Outlook: Graph outages and throttling are retried by messages the functions schedule themselves;
// the delivery count covers function failures only. A mailbox's delta round may take a few
// minutes of pages and Retry-After waits, hence the longer lock.
resource outlookSyncQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: outlookSyncQueueName
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT5M'
    defaultMessageTimeToLive: 'P14D'
  }
}

resource outlookEventsQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: outlookEventsQueueName
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT2M'
    defaultMessageTimeToLive: 'P14D'
  }
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

@description('The name of the queue of Outlook mailboxes to sync.')
output outlookSyncQueueName string = outlookSyncQueue.name

@description('The name of the queue of meetings whose Outlook events to write.')
output outlookEventsQueueName string = outlookEventsQueue.name
