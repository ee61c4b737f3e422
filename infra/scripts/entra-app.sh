#!/usr/bin/env bash
# The Entra app registration of one Driftpuls environment. It
#   - signs people in (App Service Authentication, infra/app/api.bicep),
#   - carries the app roles of R1 plus `admin` (infra/entra/app-roles.json),
#   - is the identity that calls Microsoft Graph for Teams activity-feed notifications, by
#     resource-specific consent: TeamsActivity.Send.User, declared in the Teams app manifest
#     (infra/teams/manifest.json) and granted per user who has the app installed; no
#     tenant-wide Graph application permission (GRAPH_PERMISSION=tenant requests
#     TeamsActivity.Send instead, only where RSC cannot serve),
# and has no secret: the Function App's user-assigned managed identity is its credential
# (a federated identity credential), for sign-in and for Graph alike.
#
#   infra/scripts/entra-app.sh create   before the first `azd up`: registration, app roles,
#                                       service principal; sets AUTH_CLIENT_ID in the azd env
#   infra/scripts/entra-app.sh link     after `azd up`: redirect URI, trust of the managed
#                                       identity (then an admin consents to sign-in)
#
# Run with an azd environment selected (`azd env select`) and `az login` to the tenant, as
# someone who may create app registrations (Application Developer or the owner of the app).
# Safe to run again: every step checks what exists.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
roles_file="$here/../entra/app-roles.json"
graph_app_id='00000003-0000-0000-c000-000000000000'
delegated_file="$here/../entra/graph-delegated.json"
fic_name='driftpuls-managed-identity'

die() { echo "entra-app.sh: $*" >&2; exit 1; }
# A value of the selected azd environment, or nothing (azd exits non-zero for a missing key).
env_value() { local v; if v="$(azd env get-value "$1" 2>/dev/null)"; then printf '%s' "$v"; fi; }

command -v az >/dev/null || die 'needs the Azure CLI (az)'
command -v azd >/dev/null || die 'needs the Azure Developer CLI (azd)'

create() {
  local env_name app_id
  env_name="$(env_value AZURE_ENV_NAME)"
  [[ -n "$env_name" ]] || die 'no azd environment selected (azd env new / azd env select)'
  app_id="$(env_value AUTH_CLIENT_ID)"
  if [[ -z "$app_id" ]]; then
    app_id="$(az ad app create --display-name "Driftpuls ($env_name)" --sign-in-audience AzureADMyOrg --query appId -o tsv)"
    echo "created app registration $app_id"
  fi
  # Role ids are fixed in app-roles.json: assignments survive re-runs.
  az ad app update --id "$app_id" \
    --identifier-uris "api://$app_id" \
    --enable-id-token-issuance true \
    --app-roles "@$roles_file"
  az ad sp show --id "$app_id" >/dev/null 2>&1 || az ad sp create --id "$app_id" >/dev/null
  # Sign-in asks for openid profile email User.Read (delegated, Microsoft Graph): declared here
  # so an administrator can consent for the tenant where user consent is restricted, instead
  # of the first sign-in being blocked. Ids in infra/entra/graph-delegated.json.
  local scopes
  scopes="$(node -e "console.log(require(process.argv[1]).map((p) => p.id + '=Scope').join(' '))" "$delegated_file")"
  # shellcheck disable=SC2086
  az ad app permission add --id "$app_id" --api "$graph_app_id" --api-permissions $scopes 2>/dev/null || true
  # Sign-in for everyone in the tenant; what they may do is decided by the go-live's people
  # list and the app roles (shared/domain/access.ts). ASSIGNMENT_REQUIRED=true admits only
  # people or groups assigned a role.
  az ad sp update --id "$app_id" --set "appRoleAssignmentRequired=${ASSIGNMENT_REQUIRED:-false}"
  azd env set AUTH_CLIENT_ID "$app_id"
  echo "AUTH_CLIENT_ID=$app_id is set in the azd environment '$env_name'. Next: azd up, then $0 link"
}

link() {
  local app_id uri base mi tenant role_id
  app_id="$(env_value AUTH_CLIENT_ID)"
  uri="$(env_value SERVICE_API_URI)"
  base="$(env_value PUBLIC_BASE_URL)"
  mi="$(env_value API_IDENTITY_PRINCIPAL_ID)"
  tenant="$(env_value AZURE_TENANT_ID)"
  [[ -n "$app_id" ]] || die 'AUTH_CLIENT_ID is not set: run create first'
  [[ -n "$uri" && -n "$mi" && -n "$tenant" ]] || die 'SERVICE_API_URI, API_IDENTITY_PRINCIPAL_ID or AZURE_TENANT_ID missing: run azd provision first'

  local redirects=("$uri/.auth/login/aad/callback")
  [[ -n "$base" && "$base" != "$uri" ]] && redirects+=("$base/.auth/login/aad/callback")
  az ad app update --id "$app_id" --web-redirect-uris "${redirects[@]}"

  # The managed identity proves the app registration: no client secret anywhere.
  if [[ -z "$(az ad app federated-credential list --id "$app_id" --query "[?name=='$fic_name'].name" -o tsv)" ]]; then
    az ad app federated-credential create --id "$app_id" --parameters "{
      \"name\": \"$fic_name\",
      \"issuer\": \"https://login.microsoftonline.com/$tenant/v2.0\",
      \"subject\": \"$mi\",
      \"audiences\": [\"api://AzureADTokenExchange\"],
      \"description\": \"The Driftpuls Function App's user-assigned managed identity\"
    }" >/dev/null
    echo "federated identity credential '$fic_name' added (subject $mi)"
  fi

  # Teams activity-feed notifications: by default resource-specific consent
  # (TeamsActivity.Send.User in infra/teams/manifest.json), so the registration holds no Graph
  # application permission. GRAPH_PERMISSION=tenant falls back to TeamsActivity.Send for
  # every user of the tenant (needs admin consent); docs/deploy.md says when.
  local consent='openid profile email User.Read'
  if [[ "${GRAPH_PERMISSION:-rsc}" == tenant ]]; then
    role_id="$(az ad sp show --id "$graph_app_id" --query "appRoles[?value=='TeamsActivity.Send'].id | [0]" -o tsv)"
    [[ -n "$role_id" ]] || die 'could not find the Graph permission TeamsActivity.Send'
    if [[ -z "$(az ad app permission list --id "$app_id" --query "[?resourceAppId=='$graph_app_id'].resourceAccess[] | [?id=='$role_id'].id" -o tsv)" ]]; then
      az ad app permission add --id "$app_id" --api "$graph_app_id" --api-permissions "$role_id=Role" 2>/dev/null
    fi
    consent="$consent; TeamsActivity.Send (GRAPH_PERMISSION=tenant)"
  fi
  cat <<EOF
Linked. Still to do, by a Privileged Role Administrator or Global Administrator:
  az ad app permission admin-consent --id $app_id      # $consent
Teams app: fill infra/teams/manifest.json (AUTH_CLIENT_ID=$app_id), zip it with two icons,
upload it to the org catalog and install it for the recipients (docs/deploy.md, Teams activity feed).
Then assign people or groups to app roles (Enterprise applications > Driftpuls > Users and groups).
EOF
}

case "${1:-}" in
  create) create ;;
  link) link ;;
  *) die "usage: $0 create|link" ;;
esac
