package dev.tollgate.catalog;

/** What a provider returns for an operation. */
public enum ResponseFormat {
    /** A JSON document, returned to the caller as the {@code result} object. */
    JSON,
    /** Bytes (e.g. audio), returned to the caller base64-encoded with their content type. */
    BINARY
}
