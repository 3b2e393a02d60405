package dev.tollgate.log;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks anything that looks like a secret before it can reach a log line or an error message: Tollgate API
 * keys and the key formats of every catalog provider. This is a safety net behind the rule that code never puts
 * a secret into a string in the first place.
 */
public final class Redactor {
    private static final List<Pattern> PATTERNS = List.of(
            Pattern.compile("tg_(?:live|test)_[0-9A-Za-z]{20,}"),
            Pattern.compile("sk-ant-[A-Za-z0-9_\\-]{8,}"),
            Pattern.compile("sk-or-[A-Za-z0-9_\\-]{8,}"),
            Pattern.compile("sk-(?:proj-)?[A-Za-z0-9_\\-]{16,}"),
            Pattern.compile("(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}"),
            Pattern.compile("AIza[0-9A-Za-z_\\-]{20,}"),
            Pattern.compile("AC[0-9a-fA-F]{32}:[A-Za-z0-9]{8,}"),
            Pattern.compile("re_[A-Za-z0-9_]{8,}"),
            Pattern.compile("tvly-[A-Za-z0-9_\\-]{8,}"),
            Pattern.compile("fc-[A-Za-z0-9]{8,}"),
            Pattern.compile("bb_live_[A-Za-z0-9_\\-]{8,}"),
            Pattern.compile("(?i)\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b"),
            Pattern.compile("\\b[0-9a-fA-F]{32,}\\b"),
            Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=\\-]{8,}"));

    private Redactor() {
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (Pattern pattern : PATTERNS) {
            Matcher m = pattern.matcher(out);
            if (m.find()) {
                StringBuilder sb = new StringBuilder();
                do {
                    String prefix = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : "";
                    m.appendReplacement(sb, Matcher.quoteReplacement(prefix + "[REDACTED]"));
                } while (m.find());
                m.appendTail(sb);
                out = sb.toString();
            }
        }
        return out;
    }

    /** Removes every occurrence of a known secret (and its long fragments are caught by the patterns above). */
    public static String redact(String text, String secret) {
        String out = text == null ? null : (secret == null || secret.length() < 4 ? text : text.replace(secret, "[REDACTED]"));
        return redact(out);
    }
}
