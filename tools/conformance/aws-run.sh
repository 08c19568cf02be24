#!/usr/bin/env bash
# Deploys a throwaway stage of the stack, runs the emulator's conformance rows against its real
# API Gateway endpoint, and destroys the stage again, also when the deploy or a row fails.
# docs/emulator.md, "Running the conformance suite against AWS", says what it needs and costs.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: tools/conformance/aws-run.sh [--keep] [--dry-run] [--stage NAME]

  --keep        leave the stage deployed afterwards (it prints how to destroy it)
  --dry-run     print every command it would run, in order, and run none (needs no account)
  --stage NAME  the stage to deploy (stack Wavelet-NAME); default conform-{UTC time}-{random}

AWS credentials and region come from the usual environment (AWS_PROFILE, AWS_REGION, ...).
EOF
}

keep=false
dry_run=false
stage="conform-$(date -u +%Y%m%d%H%M%S)-${RANDOM}"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --keep) keep=true ;;
    --dry-run) dry_run=true ;;
    --stage)
      [ "$#" -ge 2 ] || { echo "--stage needs a name" >&2; exit 2; }
      stage="$2"
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if ! [[ "$stage" =~ ^[A-Za-z0-9-]{1,64}$ ]]; then
  echo "stage must be 1-64 letters, digits or '-': $stage" >&2
  exit 2
fi
if [ "$stage" = prod ]; then
  echo "refusing to deploy and destroy the prod stage" >&2
  exit 2
fi

stack="Wavelet-${stage}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
outputs="$(mktemp -d)/outputs.json"
rows=(
  test/integration/emulator/conformance.test.ts
  test/integration/emulator/management-api.test.ts
  test/integration/emulator/connect.test.ts
  test/integration/emulator/limits.test.ts
)

# Prints the command, then runs it unless --dry-run.
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if [ "$dry_run" = false ]; then "$@"; fi
}

# One stack output, from the file `cdk deploy --outputs-file` wrote.
output() {
  node -e 'const [file, stack, key] = process.argv.slice(1);
    const value = JSON.parse(require("node:fs").readFileSync(file, "utf8"))[stack]?.[key];
    if (!value) { console.error(`no output ${key} in ${file}`); process.exit(1); }
    console.log(value);' "$outputs" "$stack" "$1"
}

teardown() {
  local status=$?
  if [ "$keep" = true ]; then
    echo "kept ${stack}; destroy it with: CDK_DISABLE_CLI_TELEMETRY=true npx cdk destroy ${stack} --force --no-notices -c stage=${stage}"
  else
    run env CDK_DISABLE_CLI_TELEMETRY=true npx cdk destroy "$stack" --force --no-notices -c "stage=${stage}" || status=1
  fi
  rm -rf "$(dirname "$outputs")"
  exit "$status"
}
trap teardown EXIT

# Access logs off: they need the account's API Gateway CloudWatch role, and the rows never read them.
run env CDK_DISABLE_CLI_TELEMETRY=true npx cdk deploy "$stack" --no-notices --require-approval never \
  -c "stage=${stage}" -c accessLogs=false --outputs-file "$outputs"

if [ "$dry_run" = true ]; then
  url="wss://{api}.execute-api.{region}.amazonaws.com/${stage}"
  management="https://{api}.execute-api.{region}.amazonaws.com/${stage}"
  table="{TableName}"
  secret_arn="{JwtSecretArn}"
else
  url="$(output WebSocketUrl)"
  management="$(output ManagementEndpoint)"
  table="$(output TableName)"
  secret_arn="$(output JwtSecretArn)"
fi
# Not through run: the secret is never printed.
printf '+ %s\n' "aws secretsmanager get-secret-value --secret-id ${secret_arn} --query SecretString --output text"
if [ "$dry_run" = true ]; then
  secret="{secret}"
else
  secret="$(aws secretsmanager get-secret-value --secret-id "$secret_arn" --query SecretString --output text)"
fi

export WAVELET_TARGET_URL="$url" WAVELET_TARGET_HTTP="$management" WAVELET_TARGET_TABLE="$table"
export WAVELET_TARGET_JWT_SECRET="$secret"
echo "target: ${WAVELET_TARGET_URL} (management ${WAVELET_TARGET_HTTP}, table ${WAVELET_TARGET_TABLE})"
run npx vitest run "${rows[@]}"
