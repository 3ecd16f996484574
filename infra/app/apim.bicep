// API Management in front of the Function App: the V3 and V2 APIs imported from the committed
// OpenAPI documents, a subscription key on every call, an Entra ID token check and a
// per-subscription rate limit; and the one endpoint Microsoft Graph posts Outlook change
// notifications to, which carries no key or token (Graph sends neither) and is checked by the
// app against the subscriptions' clientState.

@description('Required. API Management service name.')
param name string

@description('Optional. Location of the service. Defaults to the resource group location.')
param location string = resourceGroup().location

@description('Optional. Tags of the service. Defaults to none.')
param tags object = {}

@allowed([
  'Developer'
  'Consumption'
])
@description('Optional. Service tier. Defaults to Developer.')
param skuName string = 'Developer'

@description('Required. E-mail address of the publisher.')
param publisherEmail string

@description('Optional. Organization name of the publisher. Defaults to BookMe.')
param publisherName string = 'BookMe'

@description('Required. Host name of the Function App the APIs forward to.')
param backendHostName string

@description('Required. Entra ID tenant whose tokens validate-jwt accepts.')
param tenantId string

@description('Required. Audience the tokens must carry (for example api://bookme).')
param audience string

@minValue(1)
@description('Optional. Calls per subscription per renewal period. Defaults to 100.')
param rateLimitCalls int = 100

@minValue(1)
@description('Optional. Renewal period of the rate limit in seconds. Defaults to 60.')
param rateLimitRenewalPeriod int = 60

@minValue(1)
@description('Optional. Requests to the customer booking page per client address per minute. Defaults to 120.')
param pageRateLimitCalls int = 120

@minValue(1)
@description('Optional. Form posts (holds, sign-ins, bookings) to the booking page per client address per minute. Defaults to 20.')
param pagePostRateLimitCalls int = 20

var isConsumption = skuName == 'Consumption'

// rate-limit-by-key does not exist in the Consumption tier; there rate-limit, which always
// counts per subscription, gives the same limit.
var rateLimitByKey = '<rate-limit-by-key calls="${rateLimitCalls}" renewal-period="${rateLimitRenewalPeriod}" counter-key="@(context.Subscription.Id)" />'
var rateLimitPerSubscription = '<rate-limit calls="${rateLimitCalls}" renewal-period="${rateLimitRenewalPeriod}" />'
var policyTemplate = loadTextContent('./apim-policy.xml')
var apiPolicy = replace(replace(replace(policyTemplate, '__RATE_LIMIT__', isConsumption ? rateLimitPerSubscription : rateLimitByKey), '__TENANT_ID__', tenantId), '__AUDIENCE__', audience)

// The booking page has no subscription to count by: it is throttled per client address, which
// needs rate-limit-by-key; the Consumption tier has none, and there only the app's own limits apply.
var pageRateLimit = isConsumption ? '' : '<rate-limit-by-key calls="${pageRateLimitCalls}" renewal-period="60" counter-key="@(context.Request.IpAddress)" /><rate-limit-by-key calls="${pagePostRateLimitCalls}" renewal-period="60" counter-key="@(&quot;post:&quot; + context.Request.IpAddress)" increment-condition="@(context.Request.Method == &quot;POST&quot;)" />'
var pagePolicy = replace(loadTextContent('./apim-page-policy.xml'), '__PAGE_RATE_LIMIT__', pageRateLimit)

// Legacy protocols off on both sides of the gateway (the Consumption tier does not take these).
var tlsSettings = {
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'false'
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11': 'false'
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30': 'false'
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10': 'false'
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11': 'false'
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30': 'false'
}

var subscriptionKeyNames = {
  header: 'Ocp-Apim-Subscription-Key'
  query: 'subscription-key'
}

resource apim 'Microsoft.ApiManagement/service@2022-08-01' = {
  // checkov:skip=CKV_AZURE_107:The Consumption tier cannot join a VNet and the Function App backend has no private endpoint here; the backend admits only API Management's addresses instead.
  // checkov:skip=CKV_AZURE_174:API Management is BookMe's public entry point; every call needs a subscription key and an Entra ID token.
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    capacity: isConsumption ? 0 : 1
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: publisherName
    customProperties: isConsumption ? {} : tlsSettings
  }
}

resource apiV3 'Microsoft.ApiManagement/service/apis@2022-08-01' = {
  parent: apim
  name: 'bookme-v3'
  properties: {
    displayName: 'BookMe V3'
    path: 'api/v3/bookme'
    protocols: [
      'https'
    ]
    serviceUrl: 'https://${backendHostName}/api/v3/bookme'
    subscriptionRequired: true
    subscriptionKeyParameterNames: subscriptionKeyNames
    format: 'openapi+json'
    // loadJsonContent takes up to 1,048,576 characters (loadTextContent only 131,072).
    value: string(loadJsonContent('../openapi/v3.json'))
    // Required query parameters stay query parameters instead of becoming URL template segments.
    translateRequiredQueryParameters: 'query'
  }
}

resource apiV2 'Microsoft.ApiManagement/service/apis@2022-08-01' = {
  parent: apim
  name: 'bookme-v2'
  properties: {
    displayName: 'BookMe V2'
    path: 'api/v2/bookme'
    protocols: [
      'https'
    ]
    serviceUrl: 'https://${backendHostName}/api/v2/bookme'
    subscriptionRequired: true
    subscriptionKeyParameterNames: subscriptionKeyNames
    format: 'openapi+json'
    // loadJsonContent takes up to 1,048,576 characters (loadTextContent only 131,072).
    value: string(loadJsonContent('../openapi/v2.json'))
    // Required query parameters stay query parameters instead of becoming URL template segments.
    translateRequiredQueryParameters: 'query'
  }
}

// The customer booking page (contract section 24): HTML for browsers, open to anyone, so no
// subscription key and no token; every path and both methods its forms use go to the app.
resource apiPage 'Microsoft.ApiManagement/service/apis@2022-08-01' = {
  parent: apim
  name: 'bookme-page'
  properties: {
    displayName: 'BookMe booking page'
    path: 'api/book'
    protocols: [
      'https'
    ]
    serviceUrl: 'https://${backendHostName}/api/book'
    subscriptionRequired: false
  }
}

resource apiPageGet 'Microsoft.ApiManagement/service/apis/operations@2022-08-01' = {
  parent: apiPage
  name: 'page-get'
  properties: {
    displayName: 'Booking page'
    method: 'GET'
    urlTemplate: '/*'
  }
}

resource apiPagePost 'Microsoft.ApiManagement/service/apis/operations@2022-08-01' = {
  parent: apiPage
  name: 'page-post'
  properties: {
    displayName: 'Booking page form posts'
    method: 'POST'
    urlTemplate: '/*'
  }
}

resource apiPagePolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
  parent: apiPage
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: pagePolicy
  }
}

resource apiV3Policy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
  parent: apiV3
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: apiPolicy
  }
}

resource apiV2Policy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
  parent: apiV2
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: apiPolicy
  }
}

// Microsoft Graph reaches the Function App through the gateway, whose address the app admits: the
// app's own network rules stay as they are. POST only, small bodies; Graph's validation request
// (a validationToken query parameter) and its notifications pass to the app unchanged.
resource apiOutlook 'Microsoft.ApiManagement/service/apis@2022-08-01' = {
  parent: apim
  name: 'bookme-outlook-notifications'
  properties: {
    displayName: 'BookMe Outlook notifications (Microsoft Graph)'
    path: 'outlook'
    protocols: [
      'https'
    ]
    serviceUrl: 'https://${backendHostName}/api/outlook'
    subscriptionRequired: false
  }
}

resource apiOutlookNotifications 'Microsoft.ApiManagement/service/apis/operations@2022-08-01' = {
  parent: apiOutlook
  name: 'post-notifications'
  properties: {
    displayName: 'Graph change and lifecycle notifications'
    method: 'POST'
    urlTemplate: '/notifications'
  }
}

resource apiOutlookPolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
  parent: apiOutlook
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('./apim-outlook-policy.xml')
  }
}

// Callers get their subscription keys through this product; an administrator creates and
// approves each subscription (see docs/deploy.md).
resource product 'Microsoft.ApiManagement/service/products@2022-08-01' = {
  parent: apim
  name: 'bookme'
  properties: {
    displayName: 'BookMe'
    description: 'BookMe meeting-booking API, V3 and V2.'
    subscriptionRequired: true
    approvalRequired: true
    state: 'published'
  }
}

resource productApiV3 'Microsoft.ApiManagement/service/products/apis@2022-08-01' = {
  parent: product
  name: apiV3.name
}

resource productApiV2 'Microsoft.ApiManagement/service/products/apis@2022-08-01' = {
  parent: product
  name: apiV2.name
}

@description('The name of the API Management service.')
output name string = apim.name

@description('The resource id of the API Management service.')
output resourceId string = apim.id

@description('The gateway base address, for example https://apim-x.azure-api.net.')
output gatewayUrl string = apim.properties.gatewayUrl

@description('The customer booking page\'s public base address (BOOKING_PAGE_URL).')
output bookingPageUrl string = '${apim.properties.gatewayUrl}/${apiPage.properties.path}'

// The Function App admits only these sources. Developer: the instance's own static public
// address(es). Consumption has no dedicated address; Microsoft documents allowing the region's
// AzureCloud range for it, which is much wider (see docs/deploy.md).
@description('Public IPv4 addresses the gateway calls backends from; empty for the Consumption tier.')
output outboundAddresses array = isConsumption ? [] : apim.properties.publicIPAddresses

@description('Service tags covering the gateway\'s outbound addresses; only for the Consumption tier.')
output outboundServiceTags array = isConsumption ? [
  'AzureCloud.${location}'
] : []

@description('Where Microsoft Graph posts Outlook notifications (OUTLOOK_NOTIFICATION_URL).')
output outlookNotificationUrl string = '${apim.properties.gatewayUrl}/outlook/notifications'
