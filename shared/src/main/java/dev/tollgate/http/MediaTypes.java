package dev.tollgate.http;

import java.util.Locale;

/** Content-Type checks shared by every JSON door (REST bodies and {@code /mcp}). */
public final class MediaTypes {
    private MediaTypes() {
    }

    /**
     * True for {@code application/json} or {@code application/*+json} without a charset or with UTF-8, the only
     * encoding JSON may use between systems (RFC 8259 §8.1); a body announced as UTF-16 or Latin-1 would be read as
     * something other than what the client meant.
     */
    public static boolean isUtf8Json(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";", -1);
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("charset=")) {
                String charset = parameter.substring("charset=".length()).replace("\"", "").trim();
                if (!charset.equals("utf-8") && !charset.equals("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }
}
