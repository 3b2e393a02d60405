package dev.tollgate.catalog;

import dev.tollgate.domain.TollgateException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path such as {@code /v1beta/models/{model}:generateContent} with its placeholders in order. Values are
 * percent-encoded as one path segment each, so a value can never add a segment, a query or a fragment.
 */
public record PathTemplate(String template, List<PathParam> params) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@/]*");

    public PathTemplate {
        Objects.requireNonNull(template, "template");
        params = List.copyOf(params);
    }

    /**
     * Parses a template. Placeholders listed in {@code secretParams} are filled from the secret's user part; all
     * others from the input field of the same name.
     *
     * @throws IllegalArgumentException if the template is malformed
     */
    static PathTemplate parse(String template, Set<String> secretParams) {
        if (template == null || !template.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/'");
        }
        List<PathParam> params = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        int last = 0;
        while (m.find()) {
            checkLiteral(template.substring(last, m.start()), template);
            String name = m.group(1);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("path placeholder {" + name + "} appears twice");
            }
            params.add(new PathParam(name, secretParams.contains(name)
                    ? PathParam.Source.SECRET_USER : PathParam.Source.INPUT));
            last = m.end();
        }
        checkLiteral(template.substring(last), template);
        return new PathTemplate(template, params);
    }

    private static void checkLiteral(String literal, String template) {
        if (!LITERAL.matcher(literal).matches()) {
            throw new IllegalArgumentException("path '" + template + "' has a malformed placeholder or character");
        }
    }

    /** Names of the placeholders filled from input fields. */
    public List<String> inputParamNames() {
        return params.stream().filter(p -> p.source() == PathParam.Source.INPUT).map(PathParam::name).toList();
    }

    /**
     * The path with every placeholder replaced by its percent-encoded value.
     *
     * @throws TollgateException {@code validation_failed} naming the field if a value is missing, empty,
     *                           {@code .} or {@code ..}; the value itself is never echoed (it may be a secret part)
     */
    public String expand(Map<String, String> values) {
        StringBuilder out = new StringBuilder(template.length() + 32);
        Matcher m = PLACEHOLDER.matcher(template);
        int last = 0;
        while (m.find()) {
            out.append(template, last, m.start());
            String name = m.group(1);
            String value = values.get(name);
            if (value == null || value.isEmpty() || value.equals(".") || value.equals("..")) {
                throw TollgateException.validation("/" + name,
                        "'" + name + "' is required and must be a usable path segment");
            }
            out.append(encodeSegment(value));
            last = m.end();
        }
        return out.append(template, last, template.length()).toString();
    }

    /**
     * RFC 3986 percent-encoding of everything except unreserved characters (space is %20). Safe for a path segment,
     * a query component and a form value alike.
     */
    public static String encodeSegment(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
