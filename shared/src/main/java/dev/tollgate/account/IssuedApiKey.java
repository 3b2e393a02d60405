package dev.tollgate.account;

import dev.tollgate.auth.ApiKeyRecord;

/** A newly issued API key: the only moment its secret exists outside the caller's hands. */
public record IssuedApiKey(ApiKeyRecord record, String token) {
    @Override
    public String toString() {
        return "IssuedApiKey[" + record.keyId() + "]";
    }
}
