#!/usr/bin/env python3
"""Create Tollgate's DynamoDB tables (and its KMS key) in a local AWS emulator.

Reads the table definitions straight from template.yaml, so LocalStack, DynamoDB Local and moto get
exactly the key schemas, indexes and TTL settings that production gets. Idempotent: existing tables
and the key alias are left alone.

    infra/localstack-bootstrap.py                                  # LocalStack on :4566
    infra/localstack-bootstrap.py --endpoint-url http://localhost:8000 --no-kms   # DynamoDB Local
    infra/localstack-bootstrap.py --dry-run                        # print the create-table requests

Needs python3 with PyYAML and the `aws` CLI (v1 or v2) on PATH. Refuses real AWS endpoints: the
deployed stack creates its tables through CloudFormation.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

try:
    import yaml
except ImportError:  # pragma: no cover - depends on the machine
    sys.exit("localstack-bootstrap: needs PyYAML (pip install pyyaml)")

REPO_ROOT = Path(__file__).resolve().parent.parent


class _TagTolerantLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !Sub, ...) as their plain value, like the local runner."""


def _any_tag(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


_TagTolerantLoader.add_multi_constructor("!", _any_tag)


def table_requests(template: dict, stack_name: str):
    """Yields (logical id, CreateTable request, TTL attribute or None) for every table in the template."""
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        request = {
            "TableName": str(props["TableName"]).replace("${AWS::StackName}", stack_name),
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        ttl = props.get("TimeToLiveSpecification") or {}
        yield logical_id, request, (ttl.get("AttributeName") if ttl.get("Enabled") else None)


class Aws:
    def __init__(self, endpoint_url: str, region: str):
        self.base = ["aws", "--endpoint-url", endpoint_url, "--region", region, "--output", "json"]
        self.env = dict(os.environ)
        # Emulators accept any credentials; supply dummy ones only when none are configured.
        if not (self.env.get("AWS_ACCESS_KEY_ID") or self.env.get("AWS_PROFILE")):
            self.env["AWS_ACCESS_KEY_ID"] = "test"
            self.env["AWS_SECRET_ACCESS_KEY"] = "test"

    def __call__(self, *args: str) -> dict:
        done = subprocess.run([*self.base, *args], env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"aws {' '.join(args[:2])} failed: {done.stderr.strip()}")
        return json.loads(done.stdout) if done.stdout.strip() else {}


def ensure_tables(aws: Aws, requests) -> list[tuple[str, str]]:
    existing = set(aws("dynamodb", "list-tables").get("TableNames", []))
    created = []
    for logical_id, request, ttl_attribute in requests:
        name = request["TableName"]
        if name in existing:
            print(f"  {name}: exists")
        else:
            aws("dynamodb", "create-table", "--cli-input-json", json.dumps(request))
            aws("dynamodb", "wait", "table-exists", "--table-name", name)
            if ttl_attribute:
                aws("dynamodb", "update-time-to-live", "--table-name", name,
                    "--time-to-live-specification", f"Enabled=true,AttributeName={ttl_attribute}")
            print(f"  {name}: created" + (f" (TTL on {ttl_attribute})" if ttl_attribute else ""))
        created.append((logical_id, name))
    return created


def ensure_key(aws: Aws, alias: str) -> str:
    aliases = aws("kms", "list-aliases").get("Aliases", [])
    for entry in aliases:
        if entry.get("AliasName") == alias and entry.get("TargetKeyId"):
            print(f"  {alias}: exists")
            return alias
    key_id = aws("kms", "create-key", "--description", "Tollgate local envelope-encryption key",
                 "--key-spec", "SYMMETRIC_DEFAULT", "--key-usage", "ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    aws("kms", "create-alias", "--alias-name", alias, "--target-key-id", key_id)
    print(f"  {alias}: created (key {key_id})")
    return alias


ENV_NAMES = {
    "AccountsTable": "ACCOUNTS_TABLE",
    "ApiKeysTable": "API_KEYS_TABLE",
    "LedgerTable": "LEDGER_TABLE",
    "HoldsTable": "HOLDS_TABLE",
    "IdempotencyTable": "IDEMPOTENCY_TABLE",
    "ProviderKeysTable": "PROVIDER_KEYS_TABLE",
    "UsageTable": "USAGE_TABLE",
    "AuditTable": "AUDIT_TABLE",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default=str(REPO_ROOT / "template.yaml"))
    parser.add_argument("--stack-name", default="tollgate-local",
                        help="replaces ${AWS::StackName} in table names (default: tollgate-local)")
    parser.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL", "http://localhost:4566"))
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
    parser.add_argument("--kms-alias", default="alias/tollgate-local")
    parser.add_argument("--no-kms", action="store_true", help="skip the KMS key (DynamoDB Local has no KMS)")
    parser.add_argument("--dry-run", action="store_true", help="print the CreateTable requests and exit")
    args = parser.parse_args()

    with open(args.template, encoding="utf-8") as f:
        template = yaml.load(f, Loader=_TagTolerantLoader)
    requests = list(table_requests(template, args.stack_name))

    if args.dry_run:
        for _, request, ttl_attribute in requests:
            print(json.dumps({"CreateTable": request, "TimeToLiveAttribute": ttl_attribute}, indent=2))
        return 0

    host = urlparse(args.endpoint_url).hostname or ""
    if host.endswith("amazonaws.com") or host.endswith("amazonaws.com.cn"):
        print(f"localstack-bootstrap: refusing real AWS endpoint {args.endpoint_url}", file=sys.stderr)
        return 2

    aws = Aws(args.endpoint_url, args.region)
    try:
        print(f"tables at {args.endpoint_url}:")
        tables = ensure_tables(aws, requests)
        key = None
        if not args.no_kms:
            print("kms:")
            key = ensure_key(aws, args.kms_alias)
    except RuntimeError as e:
        print(f"localstack-bootstrap: {e}", file=sys.stderr)
        return 1

    print("\nenvironment for the functions (compare infra/env.local.json):")
    for logical_id, name in tables:
        print(f"  {ENV_NAMES.get(logical_id, logical_id)}={name}")
    if key:
        print(f"  TOLLGATE_KMS_KEY_ID={key}")
    print(f"  AWS_ENDPOINT_URL={args.endpoint_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
