package dev.tollgate.catalog;

import java.util.Objects;

/**
 * The cheap, free upstream call that tells whether a key is accepted ({@code POST /api/v1/byok/{id}/verify}).
 * A 2xx means accepted, 401/403 rejected. Its placeholders, if any, come from the secret.
 */
public record Verify(String method, PathTemplate path) {
    public Verify {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
    }
}
