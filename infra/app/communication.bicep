// Azure Communication Services e-mail: an Email Communication Service with the Azure managed
// domain (works at once, sends as DoNotReply@<guid>.azurecomm.net) and, optionally, a custom
// domain that is linked once its DNS records are verified. The app sends through the
// Communication Service with its managed identity (role in rbac.bicep).

param name string
param emailServiceName string
param tags object = {}
@description('A geography, not a region: Communication Services keeps data at rest there.')
param dataLocation string
@description('Custom sender domain; empty for the Azure managed domain only.')
param customDomain string = ''
@description('True once the custom domain\'s DNS records are verified (Azure portal or az communication email domain initiate-verification).')
param customDomainVerified bool = false
@description('DoNotReply exists on every domain; another user name needs raised sending limits first.')
param senderUsername string = 'DoNotReply'
param senderDisplayName string = 'Driftpuls'
param logAnalyticsWorkspaceId string

var useCustomDomain = !empty(customDomain) && customDomainVerified

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    // No tracking pixels in mails to staff.
    userEngagementTracking: 'Disabled'
  }
}

resource customEmailDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = if (!empty(customDomain)) {
  parent: emailService
  name: !empty(customDomain) ? customDomain : 'unused'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'CustomerManaged'
    userEngagementTracking: 'Disabled'
  }
}

// Only for a user name other than the built-in DoNotReply (refused on a custom domain until
// its quota is raised, so by default nothing is created here).
var extraSender = !empty(customDomain) && toLower(senderUsername) != 'donotreply'

resource customSender 'Microsoft.Communication/emailServices/domains/senderUsernames@2023-04-01' = if (extraSender) {
  parent: customEmailDomain
  name: senderUsername
  properties: {
    username: senderUsername
    displayName: senderDisplayName
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    // Entra ID only: no access keys (the app signs in with its managed identity).
    disableLocalAuth: true
    // A domain can be linked only once verified.
    linkedDomains: useCustomDomain ? [managedDomain.id, customEmailDomain.id] : [managedDomain.id]
  }
}

// Send and delivery logs (EmailSendMailOperational, EmailStatusUpdateOperational) to Log
// Analytics, so "did the reminder reach them?" is a query (README: Deploy to Azure).
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: communicationService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

output name string = communicationService.name
output emailServiceName string = emailService.name
output endpoint string = 'https://${communicationService.properties.hostName}'
output senderAddress string = useCustomDomain
  ? '${senderUsername}@${customDomain}'
  : 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
@description('DNS records (Domain, SPF, DKIM, DKIM2, DMARC) to create for the custom domain; empty without one.')
output customDomainVerificationRecords object = !empty(customDomain) ? customEmailDomain.properties.verificationRecords : {}
