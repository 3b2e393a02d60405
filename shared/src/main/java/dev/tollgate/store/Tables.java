package dev.tollgate.store;

import dev.tollgate.config.Config;

/** DynamoDB table names, from the environment variables template.yaml sets on every function. */
public record Tables(String accounts, String apiKeys, String ledger, String holds, String idempotency,
                     String providerKeys, String usage, String audit) {

    public static Tables from(Config config) {
        return new Tables(
                config.require("ACCOUNTS_TABLE"),
                config.require("API_KEYS_TABLE"),
                config.require("LEDGER_TABLE"),
                config.require("HOLDS_TABLE"),
                config.require("IDEMPOTENCY_TABLE"),
                config.require("PROVIDER_KEYS_TABLE"),
                config.require("USAGE_TABLE"),
                config.require("AUDIT_TABLE"));
    }
}
