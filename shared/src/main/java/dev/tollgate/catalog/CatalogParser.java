package dev.tollgate.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Credits;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads catalog.json into the model and refuses anything the gateway could not run safely: every message names the
 * provider and operation at fault. Unknown fields are errors too, so that a misspelt {@code platfrom_key} cannot
 * silently change billing.
 */
final class CatalogParser {
    static final int DEFAULT_TIMEOUT_MS = 25_000;
    /** Below API Gateway's 30-second integration limit, leaving room for Tollgate's own work. */
    static final int MAX_TIMEOUT_MS = 29_000;
    static final int MIN_TIMEOUT_MS = 1_000;
    static final long MAX_OUTPUT_TOKENS_CAP = 1_000_000;
    static final int MAX_DESCRIPTION_LENGTH = 1_024;

    private static final Pattern PROVIDER_ID = Pattern.compile("[a-z][a-z0-9]{1,31}");
    private static final Pattern OPERATION_ID = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Set<String> METHODS_WITHOUT_BODY = Set.of("GET", "DELETE");
    private static final Set<String> METHODS_WITH_BODY = Set.of("POST", "PUT", "PATCH");
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "host", "content-length",
            "content-type", "transfer-encoding", "connection");

    private static final Set<String> PROVIDER_FIELDS = Set.of("id", "name", "kind", "base_url", "auth", "headers",
            "path_params_from_secret", "key_pattern", "key_format", "byok", "platform_key", "verify", "operations");
    private static final Set<String> MCP_PROVIDER_FIELDS = Set.of("id", "name", "kind", "url", "auth", "headers",
            "key_pattern", "key_format", "byok", "platform_key", "verify", "pricing", "timeout_ms", "tools");
    /** {@code TOLLGATE_UPSTREAM_<ID>_URL=off} leaves a federated MCP server unconfigured (e.g. a hosted one). */
    static final String OFF = "off";
    private static final Set<String> OPERATION_FIELDS = Set.of("id", "description", "method", "path", "body",
            "response", "timeout_ms", "query_params", "input_defaults", "input_schema", "pricing", "side_effects",
            "idempotency_header");
    private static final Set<String> VERIFY_FIELDS = Set.of("method", "path");
    private static final Map<String, Set<String>> PRICING_FIELDS = Map.of(
            "free", Set.of("type"),
            "byok_only", Set.of("type", "usage"),
            "per_call", Set.of("type", "credits"),
            "per_1k_characters", Set.of("type", "credits", "characters_pointer"),
            "per_1k_tokens", Set.of("type", "model_pointer", "models", "usage", "prompt_pointers",
                    "max_output_tokens_pointers", "default_max_output_tokens", "min_output_tokens",
                    "choices_pointers"));

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private CatalogParser() {
    }

    static List<Provider> parse(String json, Config config) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidCatalogException("catalog: not valid JSON: " + e.getOriginalMessage()
                    + locationOf(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidCatalogException("catalog: must be an object with a 'providers' array");
        }
        onlyFields(root, Set.of("providers"), "catalog");
        JsonNode array = root.get("providers");
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new InvalidCatalogException("catalog: 'providers' must be a non-empty array");
        }
        List<Provider> providers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> toolNames = new HashSet<>();
        int index = 0;
        for (JsonNode node : array) {
            Provider provider = provider(node, index++, config);
            if (!ids.add(provider.id())) {
                throw new InvalidCatalogException("catalog: provider id '" + provider.id() + "' is used twice");
            }
            for (Operation op : provider.operations()) {
                if (!toolNames.add(op.toolName())) {
                    throw new InvalidCatalogException("catalog: provider '" + provider.id() + "', operation '"
                            + op.id() + "': tool name '" + op.toolName() + "' is used twice");
                }
            }
            providers.add(provider);
        }
        return providers;
    }

    private static Provider provider(JsonNode node, int index, Config config) {
        if (!node.isObject()) {
            throw new InvalidCatalogException("catalog: providers[" + index + "] must be an object");
        }
        String id = text(node, "id", "catalog: providers[" + index + "]");
        String where = "catalog: provider '" + id + "'";
        if (!PROVIDER_ID.matcher(id).matches()) {
            throw fail(where, "id must be 2-32 lower-case letters and digits, starting with a letter");
        }
        String kind = node.hasNonNull("kind") ? text(node, "kind", where) : "http";
        if (!kind.equals("http") && !kind.equals("mcp")) {
            throw fail(where, "kind must be \"http\" (the default) or \"mcp\" (a federated MCP server)");
        }
        onlyFields(node, kind.equals("mcp") ? MCP_PROVIDER_FIELDS : PROVIDER_FIELDS, where);
        String name = text(node, "name", where);

        AuthStyle auth;
        try {
            auth = AuthStyle.parse(text(node, "auth", where));
        } catch (IllegalArgumentException e) {
            throw fail(where, e.getMessage());
        }
        if (kind.equals("mcp")) {
            return federatedServer(node, id, name, auth, where, config);
        }
        Optional<String> baseUrl = baseUrl(node, auth, id, where, config);
        Map<String, String> headers = headers(node, auth, where);
        Set<String> secretParams = secretParams(node, auth, where);

        boolean byok = bool(node, "byok", where);
        boolean platformKey = bool(node, "platform_key", where);
        KeyRules keys = keyRules(node, auth, byok, platformKey, where);
        Optional<Verify> verify = verify(node, auth, secretParams, where);

        JsonNode ops = node.get("operations");
        if (ops == null || !ops.isArray() || ops.isEmpty()) {
            throw fail(where, "'operations' must be a non-empty array");
        }
        List<Operation> operations = new ArrayList<>();
        Set<String> opIds = new HashSet<>();
        int opIndex = 0;
        for (JsonNode opNode : ops) {
            Operation op = operation(opNode, id, opIndex++, secretParams, where);
            if (!opIds.add(op.id())) {
                throw fail(where, "operation id '" + op.id() + "' is used twice");
            }
            checkPricingAgainstKeys(op.pricing(), auth, byok, platformKey, where + ", operation '" + op.id() + "'");
            operations.add(op);
        }
        return new Provider(id, name, baseUrl, auth, headers, keys.pattern(), keys.format(), byok, platformKey, verify,
                operations, Optional.empty());
    }

    private record KeyRules(Optional<Pattern> pattern, Optional<String> format) {
    }

    /** The key format of a provider that takes a secret; nothing for one that takes none. */
    private static KeyRules keyRules(JsonNode node, AuthStyle auth, boolean byok, boolean platformKey, String where) {
        if (auth.needsSecret()) {
            if (!byok && !platformKey) {
                throw fail(where, "needs a key but offers neither byok nor platform_key, so it cannot be called");
            }
            return new KeyRules(Optional.of(keyPattern(text(node, "key_pattern", where), where)),
                    Optional.of(text(node, "key_format", where)));
        }
        if (present(node, "key_pattern") || present(node, "key_format")) {
            throw fail(where, "auth none takes no key_pattern or key_format");
        }
        if (byok || platformKey) {
            throw fail(where, "auth none means no key: byok and platform_key must be false");
        }
        return new KeyRules(Optional.empty(), Optional.empty());
    }

    /** Free means no key (auth none) and a price means a key; byok_only means the customer's key and no platform key. */
    private static void checkPricingAgainstKeys(Pricing pricing, AuthStyle auth, boolean byok, boolean platformKey,
                                                String where) {
        if (pricing.isFree() && auth.needsSecret()) {
            throw fail(where, "a free operation is called without a key, so its provider must have auth none");
        }
        if (!pricing.isFree() && !auth.needsSecret()) {
            throw fail(where, "auth none providers can only have free operations");
        }
        if (pricing instanceof Pricing.ByokOnly && (platformKey || !byok)) {
            throw fail(where, "byok_only pricing needs byok true and platform_key false");
        }
    }

    /**
     * A federated MCP server (SPEC 12.3): where it listens, how a token is sent, one price for all its tools, the
     * call timeout and an optional allow-list of tool names. Its tools are discovered at run time.
     */
    private static Provider federatedServer(JsonNode node, String id, String name, AuthStyle auth, String where,
                                            Config config) {
        if (auth.kind() != AuthStyle.Kind.NONE && auth.kind() != AuthStyle.Kind.BEARER
                && auth.kind() != AuthStyle.Kind.HEADER) {
            throw fail(where, "an MCP server takes its token as bearer or header:<Name>, or none");
        }
        Optional<String> url = mcpUrl(node, id, where, config);
        Map<String, String> headers = headers(node, auth, where);
        boolean byok = bool(node, "byok", where);
        boolean platformKey = bool(node, "platform_key", where);
        KeyRules keys = keyRules(node, auth, byok, platformKey, where);
        if (present(node, "verify")) {
            throw fail(where, "verify is not supported for MCP servers: leave it out or null");
        }
        JsonNode pricingNode = node.get("pricing");
        String type = pricingNode == null ? "" : pricingNode.path("type").asText("");
        if (!Set.of("free", "per_call", "byok_only").contains(type)) {
            throw fail(where + ", pricing", "an MCP server is priced free, per_call or byok_only");
        }
        Pricing pricing = pricing(pricingNode, Set.of(), where + ", pricing");
        checkPricingAgainstKeys(pricing, auth, byok, platformKey, where);
        Duration timeout = Duration.ofMillis(timeoutMs(node, where));
        List<String> tools = stringList(node, "tools", where);
        return new Provider(id, name, url, auth, headers, keys.pattern(), keys.format(), byok, platformKey,
                Optional.empty(), List.of(), Optional.of(new FederatedServer(pricing, timeout, tools)));
    }

    /**
     * The server's Streamable HTTP endpoint: {@code TOLLGATE_UPSTREAM_<ID>_URL} if set ({@value #OFF} switches the
     * provider off), else the catalog's {@code url}; none at all leaves the provider unconfigured (self-hosted servers
     * such as Playwright). The path is kept as written: it is the endpoint.
     */
    private static Optional<String> mcpUrl(JsonNode node, String id, String where, Config config) {
        String variable = Provider.baseUrlVariable(id);
        Optional<String> configured = config.get(variable).map(String::trim).filter(v -> !v.isEmpty());
        if (configured.isPresent()) {
            return configured.get().equalsIgnoreCase(OFF) ? Optional.empty()
                    : Optional.of(endpointUrl(configured.get(), "configuration " + variable));
        }
        JsonNode url = node.get("url");
        if (url == null || url.isNull()) {
            return Optional.empty();
        }
        if (!url.isTextual()) {
            throw fail(where, "url must be the server's http(s) endpoint or null");
        }
        return Optional.of(endpointUrl(url.textValue(), where + ": url"));
    }

    private static String endpointUrl(String value, String where) {
        normaliseBaseUrl(value, where);
        return value;
    }

    private static Optional<String> baseUrl(JsonNode node, AuthStyle auth, String id, String where, Config config) {
        if (auth.kind() == AuthStyle.Kind.BASE_URL) {
            if (present(node, "base_url")) {
                throw fail(where, "auth base_url takes its URL from the secret: base_url must be absent");
            }
            // The override variable is not applied either: there is nothing to override.
            return Optional.empty();
        }
        String fromFile = normaliseBaseUrl(text(node, "base_url", where), where + ": base_url");
        String variable = Provider.baseUrlVariable(id);
        return Optional.of(config.get(variable)
                .map(v -> normaliseBaseUrl(v, "configuration " + variable))
                .orElse(fromFile));
    }

    /** An absolute http(s) URL without user info, query or fragment; the trailing slash removed. */
    static String normaliseBaseUrl(String value, String where) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidCatalogException(where + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InvalidCatalogException(where
                    + " must be an absolute http(s) URL with a host and no user info, query or fragment");
        }
        String out = value;
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    private static Map<String, String> headers(JsonNode node, AuthStyle auth, String where) {
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = node.get("headers");
        if (h == null || h.isNull()) {
            return headers;
        }
        if (!h.isObject()) {
            throw fail(where, "'headers' must be an object of strings");
        }
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : h.properties()) {
            String lower = e.getKey().toLowerCase(Locale.ROOT);
            if (!HttpTokens.isToken(e.getKey()) || !e.getValue().isTextual()
                    || !HttpTokens.isSafeValue(e.getValue().textValue())) {
                throw fail(where, "header '" + e.getKey() + "' needs a token name and a single-line string value");
            }
            boolean authHeader = auth.kind() == AuthStyle.Kind.HEADER
                    && auth.parameter().orElseThrow().equalsIgnoreCase(e.getKey());
            if (RESERVED_HEADERS.contains(lower) || authHeader || !seen.add(lower)) {
                throw fail(where, "header '" + e.getKey() + "' is reserved, repeated or the auth header");
            }
            headers.put(e.getKey(), e.getValue().textValue());
        }
        return headers;
    }

    private static Set<String> secretParams(JsonNode node, AuthStyle auth, String where) {
        JsonNode p = node.get("path_params_from_secret");
        if (p == null || p.isNull()) {
            return Set.of();
        }
        if (auth.kind() != AuthStyle.Kind.BASIC) {
            throw fail(where, "path_params_from_secret needs auth basic (a user:pass secret)");
        }
        if (!p.isObject() || p.isEmpty()) {
            throw fail(where, "path_params_from_secret must be an object such as {\"AccountSid\": \"user\"}");
        }
        Set<String> names = new HashSet<>();
        p.properties().forEach(e -> {
            if (!e.getValue().isTextual() || !e.getValue().textValue().equals("user")) {
                throw fail(where, "path_params_from_secret." + e.getKey() + " must be \"user\" (the part before ':')");
            }
            names.add(e.getKey());
        });
        return Set.copyOf(names);
    }

    private static Pattern keyPattern(String regex, String where) {
        if (!regex.startsWith("^") || !regex.endsWith("$")) {
            throw fail(where, "key_pattern must be anchored with ^ and $");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw fail(where, "key_pattern does not compile: " + e.getDescription());
        }
    }

    private static Optional<Verify> verify(JsonNode node, AuthStyle auth, Set<String> secretParams, String where) {
        JsonNode v = node.get("verify");
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!auth.needsSecret()) {
            throw fail(where, "verify checks a key, and auth none has none: verify must be null");
        }
        if (!v.isObject()) {
            throw fail(where, "verify must be null or {\"method\": ..., \"path\": ...}");
        }
        String vWhere = where + ", verify";
        onlyFields(v, VERIFY_FIELDS, vWhere);
        String method = method(v, vWhere);
        PathTemplate path = path(text(v, "path", vWhere), secretParams, vWhere);
        if (!path.inputParamNames().isEmpty()) {
            throw fail(vWhere, "path placeholders " + path.inputParamNames()
                    + " have no value: verify has no input, only path_params_from_secret");
        }
        return Optional.of(new Verify(method, path));
    }

    private static Operation operation(JsonNode node, String tool, int index, Set<String> secretParams,
                                       String providerWhere) {
        if (!node.isObject()) {
            throw fail(providerWhere, "operations[" + index + "] must be an object");
        }
        String id = text(node, "id", providerWhere + ", operations[" + index + "]");
        String where = providerWhere + ", operation '" + id + "'";
        if (!OPERATION_ID.matcher(id).matches()) {
            throw fail(where, "id must be lower-case letters, digits and '_', starting with a letter");
        }
        String toolName = tool + "_" + id;
        if (!TOOL_NAME.matcher(toolName).matches()) {
            throw fail(where, "tool name '" + toolName + "' must match ^[a-zA-Z0-9_-]{1,64}$");
        }
        onlyFields(node, OPERATION_FIELDS, where);
        String description = text(node, "description", where);
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            throw fail(where, "description is longer than " + MAX_DESCRIPTION_LENGTH + " characters");
        }
        String method = method(node, where);
        PathTemplate path = path(text(node, "path", where), secretParams, where);
        BodyEncoding body = enumValue(BodyEncoding.class, text(node, "body", where), "body", where);
        if (METHODS_WITHOUT_BODY.contains(method) != (body == BodyEncoding.NONE)) {
            throw fail(where, "body must be \"none\" for GET and DELETE and \"json\" or \"form\" otherwise");
        }
        ResponseFormat response = enumValue(ResponseFormat.class, text(node, "response", where), "response", where);
        int timeoutMs = timeoutMs(node, where);

        ObjectNode schema = inputSchema(node, where);
        Set<String> properties = new HashSet<>();
        schema.path("properties").fieldNames().forEachRemaining(properties::add);
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.textValue()));
        for (PathParam param : path.params()) {
            boolean declared = properties.contains(param.name());
            if (param.source() == PathParam.Source.INPUT && !(declared && required.contains(param.name()))) {
                throw fail(where, "path placeholder {" + param.name()
                        + "} must be a required property of input_schema");
            }
            if (param.source() == PathParam.Source.SECRET_USER && declared) {
                throw fail(where, "path placeholder {" + param.name()
                        + "} comes from the secret and must not be an input property");
            }
        }
        List<String> queryParams = queryParams(node, body, properties, path, where);
        ObjectNode defaults = inputDefaults(node, properties, where);
        Pricing pricing = pricing(node.get("pricing"), properties, where + ", pricing");
        return new Operation(tool, id, description, method, path, body, response, Duration.ofMillis(timeoutMs),
                queryParams, defaults, schema, pricing, effects(node, where), Optional.empty());
    }

    /**
     * {@code side_effects} (default true: an operation nobody classified is treated as one that must not run twice)
     * and {@code idempotency_header}, the header in which the provider accepts an idempotency key.
     */
    private static Effects effects(JsonNode node, String where) {
        JsonNode sideEffects = node.get("side_effects");
        if (sideEffects != null && !sideEffects.isBoolean()) {
            throw fail(where, "side_effects must be true or false");
        }
        boolean acts = sideEffects == null || sideEffects.booleanValue();
        JsonNode header = node.get("idempotency_header");
        if (header == null || header.isNull()) {
            return new Effects(acts, Optional.empty());
        }
        if (!header.isTextual() || !HttpTokens.isToken(header.textValue())
                || RESERVED_HEADERS.contains(header.textValue().toLowerCase(java.util.Locale.ROOT))) {
            throw fail(where, "idempotency_header must be a header name that is not reserved");
        }
        if (!acts) {
            throw fail(where, "idempotency_header is only for operations with side effects");
        }
        return new Effects(true, Optional.of(header.textValue()));
    }

    private static String method(JsonNode node, String where) {
        String method = text(node, "method", where);
        if (!METHODS_WITHOUT_BODY.contains(method) && !METHODS_WITH_BODY.contains(method)) {
            throw fail(where, "method must be one of GET, POST, PUT, PATCH, DELETE");
        }
        return method;
    }

    private static PathTemplate path(String template, Set<String> secretParams, String where) {
        try {
            return PathTemplate.parse(template, secretParams);
        } catch (IllegalArgumentException e) {
            throw fail(where, e.getMessage());
        }
    }

    private static int timeoutMs(JsonNode node, String where) {
        JsonNode t = node.get("timeout_ms");
        if (t == null || t.isNull()) {
            return DEFAULT_TIMEOUT_MS;
        }
        if (!t.canConvertToInt() || !t.isIntegralNumber() || t.intValue() < MIN_TIMEOUT_MS
                || t.intValue() > MAX_TIMEOUT_MS) {
            throw fail(where, "timeout_ms must be an integer from " + MIN_TIMEOUT_MS + " to " + MAX_TIMEOUT_MS);
        }
        return t.intValue();
    }

    private static ObjectNode inputSchema(JsonNode node, String where) {
        JsonNode schema = node.get("input_schema");
        if (schema == null || !schema.isObject() || !"object".equals(schema.path("type").textValue())) {
            throw fail(where, "input_schema must be a JSON Schema with \"type\": \"object\"");
        }
        JsonNode properties = schema.get("properties");
        if (properties != null) {
            if (!properties.isObject()) {
                throw fail(where, "input_schema.properties must be an object");
            }
            properties.properties().forEach(e -> {
                if (!e.getValue().isObject() && !e.getValue().isBoolean()) {
                    throw fail(where, "input_schema.properties." + e.getKey() + " must be a schema");
                }
            });
        }
        JsonNode required = schema.get("required");
        if (required != null) {
            Set<String> seen = new HashSet<>();
            if (!required.isArray()) {
                throw fail(where, "input_schema.required must be an array of property names");
            }
            for (JsonNode r : required) {
                if (!r.isTextual() || properties == null || !properties.has(r.textValue()) || !seen.add(r.textValue())) {
                    throw fail(where, "input_schema.required lists '" + r.asText()
                            + "', which is not a property or is repeated");
                }
            }
        }
        JsonNode dialect = schema.get("$schema");
        if (dialect != null && !"https://json-schema.org/draft/2020-12/schema".equals(dialect.textValue())) {
            throw fail(where, "input_schema.$schema, if given, must be the draft 2020-12 URI");
        }
        return (ObjectNode) schema;
    }

    private static List<String> queryParams(JsonNode node, BodyEncoding body, Set<String> properties,
                                            PathTemplate path, String where) {
        List<String> names = stringList(node, "query_params", where);
        if (!names.isEmpty() && body == BodyEncoding.NONE) {
            throw fail(where, "query_params is only for operations with a body; without one every field is a query parameter");
        }
        Set<String> pathNames = new HashSet<>(path.inputParamNames());
        for (String name : names) {
            if (!properties.contains(name) || pathNames.contains(name)) {
                throw fail(where, "query parameter '" + name + "' must be an input property and not a path placeholder");
            }
        }
        return names;
    }

    private static ObjectNode inputDefaults(JsonNode node, Set<String> properties, String where) {
        JsonNode d = node.get("input_defaults");
        if (d == null || d.isNull()) {
            return MAPPER.createObjectNode();
        }
        if (!d.isObject()) {
            throw fail(where, "input_defaults must be an object");
        }
        d.fieldNames().forEachRemaining(name -> {
            if (!properties.contains(name)) {
                throw fail(where, "input_defaults." + name + " is not an input property");
            }
        });
        return (ObjectNode) d;
    }

    private static Pricing pricing(JsonNode node, Set<String> properties, String where) {
        if (node == null || !node.isObject()) {
            throw fail(where, "pricing must be an object with a 'type'");
        }
        String type = text(node, "type", where);
        Set<String> fields = PRICING_FIELDS.get(type);
        if (fields == null) {
            throw fail(where, "type '" + type + "' is not one of " + new java.util.TreeSet<>(PRICING_FIELDS.keySet()));
        }
        onlyFields(node, fields, where);
        switch (type) {
            case "free":
                return new Pricing.Free();
            case "byok_only": {
                JsonNode usage = node.get("usage");
                if (usage == null || usage.isNull()) {
                    return new Pricing.ByokOnly();
                }
                List<List<String>> tokens = usagePointers(usage, where);
                return new Pricing.ByokOnly(tokens.get(0), tokens.get(1));
            }
            case "per_call":
                return new Pricing.PerCall(credits(node, "credits", where));
            case "per_1k_characters":
                return new Pricing.PerThousandCharacters(credits(node, "credits", where),
                        inputPointer(node, "characters_pointer", properties, where));
            default:
                return perThousandTokens(node, properties, where);
        }
    }

    private static Pricing.PerThousandTokens perThousandTokens(JsonNode node, Set<String> properties, String where) {
        String modelPointer = inputPointer(node, "model_pointer", properties, where);
        JsonNode models = node.get("models");
        if (models == null || !models.isObject() || models.isEmpty()) {
            throw fail(where, "models must be a non-empty object of {\"input\": \"…\", \"output\": \"…\"}");
        }
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        models.properties().forEach(e -> {
            String mWhere = where + ", model '" + e.getKey() + "'";
            if (e.getKey().isBlank() || !e.getValue().isObject()) {
                throw fail(mWhere, "must be {\"input\": \"…\", \"output\": \"…\"}");
            }
            onlyFields(e.getValue(), Set.of("input", "output"), mWhere);
            prices.put(e.getKey(), new ModelPrice(credits(e.getValue(), "input", mWhere),
                    credits(e.getValue(), "output", mWhere)));
        });

        List<List<String>> tokens = usagePointers(node.get("usage"), where);
        List<String> inputTokens = tokens.get(0);
        List<String> outputTokens = tokens.get(1);

        List<String> prompt = pointers(node, "prompt_pointers", where);
        if (prompt.isEmpty()) {
            throw fail(where, "prompt_pointers must name the input fields that make up the prompt");
        }
        List<String> maxOutput = pointers(node, "max_output_tokens_pointers", where);
        JsonNode defaultCap = node.get("default_max_output_tokens");
        long cap = 0;
        if (maxOutput.isEmpty()) {
            if (defaultCap != null) {
                throw fail(where, "default_max_output_tokens needs max_output_tokens_pointers");
            }
        } else {
            if (defaultCap == null || !defaultCap.isIntegralNumber() || !defaultCap.canConvertToLong()
                    || defaultCap.longValue() < 1 || defaultCap.longValue() > MAX_OUTPUT_TOKENS_CAP) {
                throw fail(where, "default_max_output_tokens must be an integer from 1 to " + MAX_OUTPUT_TOKENS_CAP);
            }
            cap = defaultCap.longValue();
        }
        long minOutput = minOutputTokens(node, cap, where);
        List<String> choices = pointers(node, "choices_pointers", where);
        return new Pricing.PerThousandTokens(modelPointer, prices, inputTokens, outputTokens, prompt, maxOutput, cap,
                minOutput, choices);
    }

    /**
     * The fewest output tokens worth a call when the balance cannot cover {@code default_max_output_tokens}: below
     * it a credits-mode call is refused with 402 rather than sent with a uselessly small limit.
     */
    private static long minOutputTokens(JsonNode node, long cap, String where) {
        JsonNode min = node.get("min_output_tokens");
        if (cap == 0) {
            if (min != null) {
                throw fail(where, "min_output_tokens needs max_output_tokens_pointers");
            }
            return 0;
        }
        if (min == null) {
            return Math.min(cap, Pricing.PerThousandTokens.DEFAULT_MIN_OUTPUT_TOKENS);
        }
        if (!min.isIntegralNumber() || !min.canConvertToLong() || min.longValue() < 1 || min.longValue() > cap) {
            throw fail(where, "min_output_tokens must be an integer from 1 to default_max_output_tokens");
        }
        return min.longValue();
    }

    /** {@code usage}: pointers to the input token counts (required) and output token counts (optional) of a response. */
    private static List<List<String>> usagePointers(JsonNode usage, String where) {
        if (usage == null || !usage.isObject()) {
            throw fail(where, "usage must be {\"input_tokens\": pointer(s), \"output_tokens\": pointer(s)}");
        }
        onlyFields(usage, Set.of("input_tokens", "output_tokens"), where + ", usage");
        List<String> inputTokens = pointers(usage, "input_tokens", where + ", usage");
        if (inputTokens.isEmpty()) {
            throw fail(where, "usage.input_tokens is required");
        }
        return List.of(inputTokens, pointers(usage, "output_tokens", where + ", usage"));
    }

    /** A decimal string of credits, exactly representable in µcr and not negative. */
    private static long credits(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw fail(where, field + " must be a decimal string of credits, e.g. \"0.1\"");
        }
        BigDecimal credits;
        try {
            credits = new BigDecimal(value.textValue());
        } catch (NumberFormatException e) {
            throw fail(where, field + " '" + value.textValue() + "' is not a decimal number");
        }
        if (credits.signum() < 0) {
            throw fail(where, field + " must not be negative");
        }
        try {
            return Credits.fromCredits(credits);
        } catch (IllegalArgumentException e) {
            throw fail(where, field + " '" + value.textValue() + "': " + e.getMessage());
        }
    }

    /** A pointer into the input whose first member is a declared property. */
    private static String inputPointer(JsonNode node, String field, Set<String> properties, String where) {
        String pointer = text(node, field, where);
        if (!JsonPointers.isValid(pointer)) {
            throw fail(where, field + " '" + pointer + "' is not a JSON pointer such as \"/model\"");
        }
        String first = com.fasterxml.jackson.core.JsonPointer.compile(pointer).getMatchingProperty();
        if (!properties.contains(first)) {
            throw fail(where, field + " '" + pointer + "' does not point into a declared input property");
        }
        return pointer;
    }

    /** A pointer or an array of pointers; empty if the field is absent. */
    private static List<String> pointers(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        List<String> out = new ArrayList<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (value.isTextual()) {
            out.add(value.textValue());
        } else if (value.isArray()) {
            value.forEach(v -> out.add(v.isTextual() ? v.textValue() : null));
        } else {
            throw fail(where, field + " must be a JSON pointer or an array of them");
        }
        for (String p : out) {
            if (!JsonPointers.isValid(p)) {
                throw fail(where, field + " holds '" + p + "', which is not a JSON pointer such as \"/usage/total\"");
            }
        }
        if (new HashSet<>(out).size() != out.size()) {
            throw fail(where, field + " repeats a pointer");
        }
        return out;
    }

    private static List<String> stringList(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        List<String> out = new ArrayList<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isArray()) {
            throw fail(where, field + " must be an array of strings");
        }
        for (JsonNode v : value) {
            if (!v.isTextual() || v.textValue().isBlank() || out.contains(v.textValue())) {
                throw fail(where, field + " must hold distinct non-empty strings");
            }
            out.add(v.textValue());
        }
        return out;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field, String where) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw fail(where, field + " '" + value + "' is not one of " + allowed);
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw fail(where, "'" + field + "' is required and must be a non-empty string");
        }
        return value.textValue();
    }

    private static boolean bool(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw fail(where, "'" + field + "' is required and must be true or false");
        }
        return value.booleanValue();
    }

    private static boolean present(JsonNode node, String field) {
        return node.hasNonNull(field);
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String where) {
        node.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw fail(where, "unknown field '" + name + "' (allowed: " + new java.util.TreeSet<>(allowed) + ")");
            }
        });
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static InvalidCatalogException fail(String where, String message) {
        return new InvalidCatalogException(where + ": " + message);
    }
}
