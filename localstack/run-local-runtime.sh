#!/usr/bin/env bash
# Runs the local runtime (`npm start`) with LocalStack's DynamoDB and SQS in place of the
# in-process ones. The WebSocket and HTTP APIs stay emulated by the local runtime; only the
# data stores move. Works with the free LocalStack image.
set -euo pipefail
cd "$(dirname "$0")/.."

endpoint="${LOCALSTACK_ENDPOINT:-http://127.0.0.1:4566}"

docker compose -f localstack/docker-compose.yml up -d
echo "waiting for LocalStack at $endpoint ..."
until curl -fsS "$endpoint/_localstack/health" >/dev/null 2>&1; do sleep 1; done

# The local runtime honours these: with USE_EXTERNAL_AWS_ENDPOINTS=1 it creates its table and
# queues at the given endpoints instead of starting dynalite and its SQS emulator, and the
# handlers reach them through the SDK's standard AWS_ENDPOINT_URL_* variables.
export USE_EXTERNAL_AWS_ENDPOINTS=1
export AWS_ENDPOINT_URL_DYNAMODB="$endpoint"
export AWS_ENDPOINT_URL_SQS="$endpoint"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"

exec npm start
