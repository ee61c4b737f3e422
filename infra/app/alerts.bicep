// Two alerts for the go-live week, to one e-mail address: the timer host stopped (no
// successful heartbeat for 15 minutes) and the API answering with server errors.
//
// Both query what the app's own OpenTelemetry exporter sends (shared/observability.ts), not the
// Functions host's request telemetry, whose shape in OpenTelemetry mode is the host's business:
// the heartbeat's custom event `DriftpulsHeartbeat` (customEvents) and the route's request log
// line `{"event":"http",…}` (traces.message). test/telemetry-export.test.ts sends both through
// the real exporter to a local ingestion endpoint and checks these names (issue 18, item 10).

param name string
param location string
param tags object = {}
param appInsightsName string
param alertEmail string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${name}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'driftpuls'
    enabled: true
    emailReceivers: [
      {
        name: 'operations'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource heartbeatMissing 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'alert-heartbeat-${name}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Driftpuls: no heartbeat for 15 minutes'
    description: 'The heartbeat timer (every minute) has not succeeded for 15 minutes: scheduled work (reminders, escalation ticks) is not running.'
    severity: 1
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'customEvents | where name == "DriftpulsHeartbeat"'
          timeAggregation: 'Count'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource serverErrors 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'alert-5xx-${name}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Driftpuls: server errors'
    description: 'More than 10 HTTP answers 500 or 503 in 5 minutes (503: the store is unreachable; clients retry).'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: 'traces | where message startswith "{" | extend r = parse_json(message) | where tostring(r.event) == "http" and toint(r.status) >= 500'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 10
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}
