#!/usr/bin/env bash
# Deploys the CDK stack to LocalStack with cdklocal (the aws-cdk-local wrapper of the CDK CLI).
#
# The WebSocket API (API Gateway v2) needs LocalStack Pro, so this script requires
# LOCALSTACK_AUTH_TOKEN and starts the Pro image. With the free image, use
# run-local-runtime.sh instead. Extra arguments go to `cdklocal deploy`, e.g.
#   localstack/deploy.sh -c jwksUrl=https://issuer.example/.well-known/jwks.json
set -euo pipefail
cd "$(dirname "$0")/.."

: "${LOCALSTACK_AUTH_TOKEN:?WebSocket APIs need LocalStack Pro: set LOCALSTACK_AUTH_TOKEN}"
stage="${STAGE:-local}"
endpoint="${LOCALSTACK_ENDPOINT:-http://127.0.0.1:4566}"

export LOCALSTACK_IMAGE="${LOCALSTACK_IMAGE:-localstack/localstack-pro:4}"
export LOCALSTACK_SERVICES="${LOCALSTACK_SERVICES:-cloudformation,s3,ssm,sts,iam,lambda,logs,apigateway,dynamodb,sqs,secretsmanager,events,cloudwatch}"
docker compose -f localstack/docker-compose.yml up -d
echo "waiting for LocalStack at $endpoint ..."
until curl -fsS "$endpoint/_localstack/health" >/dev/null 2>&1; do sleep 1; done

export AWS_ENDPOINT_URL="$endpoint"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export CDK_DISABLE_CLI_TELEMETRY=true

cdklocal() { npx --yes --package aws-cdk-local cdklocal "$@"; }

mkdir -p .local
cdklocal bootstrap --no-notices
cdklocal deploy "Wavelet-$stage" -c "stage=$stage" --require-approval never --no-notices \
  --outputs-file .local/localstack-outputs.json "$@"
echo "outputs written to .local/localstack-outputs.json"
