package dev.tollgate.paging;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.Base64;
import java.util.function.Function;

/**
 * The one codec of opaque pagination cursors: a list's position as text, base64url-encoded without padding. A cursor
 * that does not decode to a position of the list it is sent to is {@code 400 invalid_cursor}, never a 5xx.
 */
public final class Cursors {
    private Cursors() {
    }

    public static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position {@code read} makes of the cursor's text; {@code read} returns null, or throws
     * {@link IllegalArgumentException} or {@link DateTimeException}, for text that is not one of this list's positions.
     */
    public static <T> T decode(String cursor, Function<String, T> read) {
        try {
            T position = read.apply(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            if (position != null) {
                return position;
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            // falls through to the error below
        }
        throw new TollgateException(ErrorCode.INVALID_CURSOR, "cursor is not one this endpoint returned");
    }

    /** For lists ordered by a type-prefixed id: the cursor is the last id of a page. */
    public static String decodeId(String cursor, String idPrefix) {
        return decode(cursor, id -> Ids.looksLike(id, idPrefix) ? id : null);
    }
}
