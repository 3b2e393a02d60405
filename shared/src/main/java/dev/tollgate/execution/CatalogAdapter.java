package dev.tollgate.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.AuthStyle;
import dev.tollgate.catalog.BodyEncoding;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.PathParam;
import dev.tollgate.catalog.PathTemplate;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ResponseFormat;
import dev.tollgate.catalog.Verify;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.JsonLimits;
import dev.tollgate.vault.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one provider adapter: turns a catalog operation, the caller's input and a secret into an HTTP request, and a
 * provider response into the {@code result} object. Everything provider-specific is catalog data — base URL, auth
 * style, static headers, path template (placeholders from the input or from the secret's user part), which fields
 * go to the query string, and the body encoding — so a provider with an existing auth style needs no Java.
 *
 * <p>Encodings: {@code json} sends the remaining input as is; {@code form} sends it as
 * {@code application/x-www-form-urlencoded} with nested values in bracket notation ({@code line_items[0][price]=…},
 * {@code metadata[k]=v}), where an array of scalars at the top level repeats its key ({@code MediaUrl=a&MediaUrl=b},
 * Twilio's convention) and deeper arrays are indexed; {@code none} (GET) sends every remaining field as a query
 * parameter with the same rules. {@code null} values are left out, booleans are {@code true}/{@code false}, numbers
 * plain ({@code 1000}) unless their exponent is extreme ({@link JsonLimits#text}).
 */
public final class CatalogAdapter {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    /** How long a key verification may take (SPEC 6.3): a cheap call, well inside the function timeout. */
    static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Builds the request. The secret is revealed only into the request's headers, query or base URL.
     *
     * @param input  the validated input with defaults and output cap applied; not modified
     * @param secret null for free operations (auth {@code none})
     */
    public UpstreamRequest build(Provider provider, Operation operation, ObjectNode input, Secret secret) {
        return build(provider, operation, input, secret, null);
    }

    /**
     * As {@link #build(Provider, Operation, ObjectNode, Secret)}, sending {@code idempotencyKey} (if not null) in the
     * operation's {@code idempotency_header}, for providers that de-duplicate a repeated request.
     */
    public UpstreamRequest build(Provider provider, Operation operation, ObjectNode input, Secret secret,
                                 String idempotencyKey) {
        ObjectNode fields = input.deepCopy();
        String secretText = secret == null ? null : secret.reveal();
        if (provider.auth().needsSecret() && secretText == null) {
            throw new IllegalStateException("operation " + operation.toolName() + " needs a key");
        }

        Map<String, String> pathValues = new HashMap<>();
        for (PathParam param : operation.path().params()) {
            if (param.source() == PathParam.Source.SECRET_USER) {
                pathValues.put(param.name(), secretUser(provider, secretText));
            } else {
                JsonNode value = fields.remove(param.name());
                if (value == null || !(value.isTextual() || value.isNumber())) {
                    throw TollgateException.validation("/input/" + param.name(),
                            "'" + param.name() + "' is required and must be a string");
                }
                pathValues.put(param.name(), value.asText());
            }
        }
        String path;
        try {
            path = operation.path().expand(pathValues);
        } catch (TollgateException e) {
            Object pointer = e.details().get("pointer");
            throw TollgateException.validation("/input" + pointer, e.getMessage());
        }

        List<Map.Entry<String, String>> query = new ArrayList<>();
        for (String name : operation.queryParams()) {
            JsonNode value = fields.remove(name);
            if (value != null) {
                encodeField(name, value, true, query);
            }
        }

        List<Map.Entry<String, String>> headers = new ArrayList<>();
        byte[] body = null;
        switch (operation.body()) {
            case JSON -> {
                body = json(fields);
                headers.add(header("Content-Type", "application/json"));
            }
            case FORM -> {
                List<Map.Entry<String, String>> form = new ArrayList<>();
                fields.properties().forEach(e -> encodeField(e.getKey(), e.getValue(), true, form));
                body = formEncode(form).getBytes(StandardCharsets.UTF_8);
                headers.add(header("Content-Type", "application/x-www-form-urlencoded"));
            }
            case NONE -> fields.properties().forEach(e -> encodeField(e.getKey(), e.getValue(), true, query));
            default -> throw new IllegalStateException("unknown body encoding " + operation.body());
        }
        if (idempotencyKey != null) {
            operation.effects().idempotencyHeader().ifPresent(name -> headers.add(header(name, idempotencyKey)));
        }
        return request(provider, operation.method(), path, query, headers, body, secretText,
                operation.response() == ResponseFormat.JSON ? "application/json" : "*/*", operation.timeout());
    }

    /**
     * The catalog's free verify call for a key (SPEC 6.3), authenticated exactly as the provider's operations are,
     * so that verification goes through the same guarded client and the same customer-URL rules as execution.
     */
    public UpstreamRequest buildVerify(Provider provider, Verify verify, Secret secret) {
        String secretText = secret.reveal();
        Map<String, String> pathValues = new HashMap<>();
        for (PathParam param : verify.path().params()) {
            if (param.source() == PathParam.Source.SECRET_USER) {
                pathValues.put(param.name(), secretUser(provider, secretText));
            }
        }
        return request(provider, verify.method().toUpperCase(Locale.ROOT), verify.path().expand(pathValues),
                new ArrayList<>(), new ArrayList<>(), null, secretText, "application/json", VERIFY_TIMEOUT);
    }

    /** Adds the provider's base URL (or the customer's, for base-URL auth), its auth and static headers. */
    private static UpstreamRequest request(Provider provider, String method, String path,
                                           List<Map.Entry<String, String>> query, List<Map.Entry<String, String>> headers,
                                           byte[] body, String secretText, String accept, Duration timeout) {
        AuthStyle auth = provider.auth();
        String base = auth.kind() == AuthStyle.Kind.BASE_URL ? customerBaseUrl(secretText)
                : provider.baseUrl().orElseThrow(() -> new IllegalStateException("provider without base_url"));
        switch (auth.kind()) {
            case BEARER -> headers.add(header("Authorization", "Bearer " + secretText));
            case HEADER -> headers.add(header(auth.parameter().orElseThrow(), secretText));
            case QUERY -> query.add(new AbstractMap.SimpleImmutableEntry<>(auth.parameter().orElseThrow(), secretText));
            case BASIC -> headers.add(header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(secretText.getBytes(StandardCharsets.UTF_8))));
            case BASE_URL, NONE -> {
                // the secret is the base URL, or there is none
            }
            default -> throw new IllegalStateException("unknown auth style " + auth);
        }
        provider.headers().forEach((name, value) -> headers.add(header(name, value)));
        headers.add(header("Accept", accept));

        String url = base + path + (query.isEmpty() ? "" : "?" + formEncode(query));
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new TollgateException(ErrorCode.VALIDATION_FAILED, "The input does not make a valid provider URL",
                    Map.of("pointer", "/input"));
        }
        return new UpstreamRequest(method, uri, headers, body, timeout, auth.kind() == AuthStyle.Kind.BASE_URL);
    }

    /** The user part of a {@code user:pass} secret (Twilio's AccountSid), for a path placeholder. */
    private static String secretUser(Provider provider, String secretText) {
        int colon = secretText == null ? -1 : secretText.indexOf(':');
        if (colon <= 0) {
            throw new IllegalStateException("the key of " + provider.id() + " has no user part");
        }
        return secretText.substring(0, colon);
    }

    /**
     * A registered base URL (Ollama) as a URL prefix: http(s), a host, no user info, query or fragment, no path. The
     * address it resolves to is checked at connect time, not here.
     */
    static String customerBaseUrl(String secret) {
        URI uri;
        try {
            uri = new URI(secret.trim());
        } catch (URISyntaxException e) {
            throw forbiddenUrl();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || !(path.isEmpty() || path.equals("/"))) {
            throw forbiddenUrl();
        }
        return scheme + "://" + uri.getRawAuthority();
    }

    private static TollgateException forbiddenUrl() {
        return new TollgateException(ErrorCode.UPSTREAM_ADDRESS_FORBIDDEN,
                "The registered base URL must be http(s)://host[:port] without user info, path, query or fragment");
    }

    /** The {@code result} of a successful call: the provider's JSON, or binary content as base64. */
    public JsonNode result(Operation operation, UpstreamResponse response) {
        if (operation.response() == ResponseFormat.BINARY) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("content_type", response.contentType());
            out.put("data_base64", Base64.getEncoder().encodeToString(response.body()));
            return out;
        }
        if (response.body().length == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            // The product mapper (floats as BigDecimal) so that a stored and replayed result is written identically.
            JsonNode node = dev.tollgate.json.Json.MAPPER.readTree(response.body());
            if (node == null) {
                throw new TollgateException(ErrorCode.UPSTREAM_ERROR, "The provider's response was not JSON",
                        Map.of("provider_status", response.status()));
            }
            return node;
        } catch (java.io.IOException e) {
            throw new TollgateException(ErrorCode.UPSTREAM_ERROR, "The provider's response was not valid JSON",
                    Map.of("provider_status", response.status()));
        }
    }

    private static Map.Entry<String, String> header(String name, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    private static byte[] json(JsonNode node) {
        try {
            return PLAIN.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a parsed JSON node", e);
        }
    }

    /**
     * Flattens one field into name/value pairs in bracket notation. {@code topLevel} arrays of scalars repeat the
     * key; nested arrays are indexed.
     */
    static void encodeField(String name, JsonNode value, boolean topLevel, List<Map.Entry<String, String>> out) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        if (value.isObject()) {
            value.properties().forEach(e -> encodeField(name + "[" + e.getKey() + "]", e.getValue(), false, out));
        } else if (value.isArray()) {
            boolean scalars = true;
            for (JsonNode item : value) {
                scalars &= item.isValueNode();
            }
            int i = 0;
            for (JsonNode item : value) {
                encodeField(topLevel && scalars ? name : name + "[" + i + "]", item, false, out);
                i++;
            }
        } else if (value.isNumber()) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(name, JsonLimits.text(value.decimalValue())));
        } else {
            out.add(new AbstractMap.SimpleImmutableEntry<>(name, value.asText()));
        }
    }

    static String formEncode(List<Map.Entry<String, String>> pairs) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> p : pairs) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(encode(p.getKey())).append('=').append(encode(p.getValue()));
        }
        return sb.toString();
    }

    /** {@code application/x-www-form-urlencoded} with %20 for space, so it is also a valid query string. */
    private static String encode(String s) {
        return PathTemplate.encodeSegment(s);
    }
}
