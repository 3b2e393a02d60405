package dev.tollgate.http;

import dev.tollgate.domain.TollgateException;
import java.util.Optional;

/** The {@code cursor} and {@code limit} query parameters of list endpoints (SPEC §8: limit ≤ 100). */
public final class Paging {
    public static final int MAX_LIMIT = 100;

    private Paging() {
    }

    public static int limit(ApiRequest request, int fallback) {
        Optional<String> raw = request.query("limit");
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(raw.get());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw TollgateException.validation("/limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    public static String cursor(ApiRequest request) {
        return request.query("cursor").orElse(null);
    }
}
