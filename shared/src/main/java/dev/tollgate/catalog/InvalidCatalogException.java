package dev.tollgate.catalog;

/** The catalog (or a base-URL override) is unusable; the message names the provider and operation at fault. */
public final class InvalidCatalogException extends IllegalStateException {
    public InvalidCatalogException(String message) {
        super(message);
    }

    public InvalidCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
