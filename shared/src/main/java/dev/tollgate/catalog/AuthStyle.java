package dev.tollgate.catalog;

import java.util.Objects;
import java.util.Optional;

/**
 * How a provider's secret is attached to an upstream request, written in the catalog as {@code bearer},
 * {@code header:<Name>}, {@code query:<param>}, {@code basic}, {@code base_url} or {@code none}.
 *
 * @param kind      the style
 * @param parameter the header name ({@link Kind#HEADER}) or query parameter ({@link Kind#QUERY}); empty otherwise
 */
public record AuthStyle(Kind kind, Optional<String> parameter) {

    public enum Kind {
        /** {@code Authorization: Bearer <secret>}. */
        BEARER,
        /** {@code <Name>: <secret>}. */
        HEADER,
        /** {@code ?<param>=<secret>}. */
        QUERY,
        /** {@code Authorization: Basic base64(user:pass)}; the secret is {@code user:pass}. */
        BASIC,
        /** The secret is the provider's base URL (a customer's own server); nothing else is sent. */
        BASE_URL,
        /** No secret at all: free public tools. */
        NONE
    }

    public AuthStyle {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(parameter, "parameter");
        boolean needsParameter = kind == Kind.HEADER || kind == Kind.QUERY;
        if (needsParameter != parameter.isPresent()) {
            throw new IllegalArgumentException(needsParameter
                    ? "auth " + kind + " needs a name" : "auth " + kind + " takes no name");
        }
    }

    /** Parses the catalog notation; the message of the exception says what is accepted. */
    public static AuthStyle parse(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("auth is required");
        }
        switch (spec) {
            case "bearer":
                return new AuthStyle(Kind.BEARER, Optional.empty());
            case "basic":
                return new AuthStyle(Kind.BASIC, Optional.empty());
            case "base_url":
                return new AuthStyle(Kind.BASE_URL, Optional.empty());
            case "none":
                return new AuthStyle(Kind.NONE, Optional.empty());
            default:
                break;
        }
        int colon = spec.indexOf(':');
        String prefix = colon < 0 ? spec : spec.substring(0, colon);
        String name = colon < 0 ? "" : spec.substring(colon + 1);
        if (colon > 0 && (prefix.equals("header") || prefix.equals("query")) && HttpTokens.isToken(name)) {
            return new AuthStyle(prefix.equals("header") ? Kind.HEADER : Kind.QUERY, Optional.of(name));
        }
        throw new IllegalArgumentException("auth '" + spec
                + "' is not one of bearer, header:<Name>, query:<param>, basic, base_url, none");
    }

    /** Whether a call needs a secret (a BYOK or platform key) at all. */
    public boolean needsSecret() {
        return kind != Kind.NONE;
    }

    /** The catalog notation, e.g. {@code header:x-api-key}. */
    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + parameter.map(p -> ":" + p).orElse("");
    }
}
