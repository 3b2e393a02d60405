#!/usr/bin/env bash
# Build every function jar with Maven, then deploy the stack with SAM.
#
#   infra/deploy.sh            # dev  (samconfig.toml [default])
#   infra/deploy.sh prod       # prod (samconfig.toml [prod], asks before executing the change set)
#   infra/deploy.sh dev --parameter-overrides "Stage=dev LogLevel=INFO"   # extra args go to sam deploy
#
# `sam build` is deliberately not used: it cannot resolve this multi-module build's sibling modules.
# Region and credentials come from the usual AWS_PROFILE / AWS_REGION environment.
set -euo pipefail

config_env="${1:-default}"
if [[ $# -gt 0 ]]; then
  shift
fi
if [[ "${config_env}" == "dev" ]]; then
  config_env="default"
fi

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

for tool in mvn sam; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "deploy: '${tool}' is not on PATH" >&2
    exit 1
  fi
done

echo "deploy: building function jars (mvn -B package -DskipTests)"
mvn -B package -DskipTests

# Fail early, with the missing path, rather than letting sam deploy upload nothing.
missing=0
while IFS= read -r code_uri; do
  if [[ ! -f "${code_uri}" ]]; then
    echo "deploy: CodeUri ${code_uri} was not built" >&2
    missing=1
  fi
done < <(sed -n 's/^[[:space:]]*CodeUri:[[:space:]]*//p' template.yaml)
if [[ "${missing}" -ne 0 ]]; then
  exit 1
fi

echo "deploy: sam deploy --config-env ${config_env}"
sam deploy --config-env "${config_env}" "$@"
