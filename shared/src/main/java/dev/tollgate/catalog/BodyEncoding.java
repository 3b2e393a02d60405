package dev.tollgate.catalog;

/** How an operation's input (minus path and query parameters) travels to the provider. */
public enum BodyEncoding {
    /** {@code application/json}: the input object as is. */
    JSON,
    /** {@code application/x-www-form-urlencoded}, nested values in bracket notation ({@code a[0][b]=c}). */
    FORM,
    /** No body: every input field that is not a path parameter becomes a query parameter. */
    NONE
}
