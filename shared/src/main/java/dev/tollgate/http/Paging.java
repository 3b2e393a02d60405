package dev.tollgate.http;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.util.Map;

/** {@code ?limit=&cursor=} of list endpoints: limit 1..100, cursors opaque (each endpoint decodes its own). */
public final class Paging {
    public static final int MAX_LIMIT = 100;

    private Paging() {
    }

    public static int limit(ApiRequest request, int fallback) {
        String raw = request.query("limit").orElse(null);
        if (raw == null) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new TollgateException(ErrorCode.VALIDATION_FAILED, "limit must be a whole number from 1 to " + MAX_LIMIT,
                Map.of("pointer", "/limit", "parameter", "limit"));
    }

    public static String cursor(ApiRequest request) {
        String cursor = request.query("cursor").orElse(null);
        if (cursor != null && cursor.length() > 1024) {
            throw new TollgateException(ErrorCode.INVALID_CURSOR, "cursor is not one this endpoint returned");
        }
        return cursor;
    }
}
