package dev.tollgate.vault;

import dev.tollgate.catalog.AuthStyle;
import java.net.URI;

/**
 * The {@code hint} shown for a stored key: at most its last 4 characters, prefixed with an ellipsis. Twilio
 * {@code sid:token} shows the end of the token (the secret part); an Ollama base URL shows the end of its host name
 * (the URL carries no secret but its path or port need not be shown). Keys shorter than 12 characters get no hint,
 * so that a hint never reveals a meaningful share of a secret.
 */
public final class Hints {
    static final String ELLIPSIS = "\u2026";

    private Hints() {
    }

    public static String of(AuthStyle auth, String secret) {
        String source = secret;
        if (auth.kind() == AuthStyle.Kind.BASIC) {
            int colon = secret.indexOf(':');
            source = colon >= 0 ? secret.substring(colon + 1) : secret;
        } else if (auth.kind() == AuthStyle.Kind.BASE_URL) {
            try {
                String host = URI.create(secret).getHost();
                return host == null || host.isEmpty() ? "" : ELLIPSIS + last(host, 4);
            } catch (IllegalArgumentException e) {
                return "";
            }
        }
        return source.length() < 12 ? "" : ELLIPSIS + last(source, 4);
    }

    private static String last(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }
}
