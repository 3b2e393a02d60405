package dev.tollgate.paging;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque pagination cursors for lists ordered by a type-prefixed id: the cursor is the last id of a page,
 * base64url-encoded. A cursor that does not decode to an id of the expected type is {@code 400 invalid_cursor}.
 */
public final class IdCursors {
    private IdCursors() {
    }

    public static String encode(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }

    public static String decode(String cursor, String idPrefix) {
        try {
            String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!Ids.looksLike(id, idPrefix)) {
                throw new IllegalArgumentException();
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw new TollgateException(ErrorCode.INVALID_CURSOR, "cursor is not one this endpoint returned");
        }
    }
}
