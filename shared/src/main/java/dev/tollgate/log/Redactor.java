package dev.tollgate.log;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks anything that looks like a secret before it can reach a log line or an error message: Tollgate API
 * keys, the key formats of every catalog provider (a known prefix and at least 8 more key characters, so a prefix
 * fragment is masked too), long hex strings, and the value after {@code Bearer}, {@code Basic} or an
 * {@code api_key}-style name. This is the second net: the first is {@link SecretRedactor}, which knows the secrets
 * in play and every encoding of them, and the rule that code never puts a secret into a string in the first place.
 */
public final class Redactor {
    /** Not preceded by a letter or digit: "sk-…" but not "task-…" or "mask-…" ("key_sk-…" still matches). */
    private static final String START = "(?<![A-Za-z0-9])";
    private static final List<Pattern> PATTERNS = List.of(
            Pattern.compile(START + "tg_(?:live|test)_[0-9A-Za-z]{8,}"),
            Pattern.compile(START + "sk-ant-[A-Za-z0-9_\\-]{8,}"),
            Pattern.compile(START + "sk-or-[A-Za-z0-9_\\-]{8,}"),
            Pattern.compile(START + "sk-(?:proj-)?[A-Za-z0-9_\\-]{8,}"),
            Pattern.compile(START + "(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}"),
            Pattern.compile(START + "sk_[A-Za-z0-9]{8,}"),
            Pattern.compile(START + "AIza[0-9A-Za-z_\\-]{8,}"),
            Pattern.compile(START + "AC[0-9a-fA-F]{32}:[A-Za-z0-9]{8,}"),
            Pattern.compile(START + "re_[A-Za-z0-9_]{8,}"),
            Pattern.compile(START + "tvly-[A-Za-z0-9_\\-]{8,}"),
            Pattern.compile(START + "fc-[A-Za-z0-9]{8,}"),
            Pattern.compile(START + "bb_live_[A-Za-z0-9_\\-]{8,}"),
            Pattern.compile("(?i)\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b"),
            Pattern.compile("\\b[0-9a-fA-F]{32,}\\b"),
            Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=\\-]{8,}"),
            // Base64 credentials have a digit or a +, / or = somewhere; "Basic authentication" has none.
            Pattern.compile("(?i:(basic\\s+))(?=[A-Za-z]*[0-9+/=])[A-Za-z0-9+/]{12,}={0,2}"),
            Pattern.compile("(?i)((?:x-goog-|xi-|x-bb-|x-)?api[_-]?key[\"']?\\s*[:=]\\s*[\"']?)[A-Za-z0-9._~+/=\\-]{8,}"));

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

}
