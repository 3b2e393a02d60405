package dev.tollgate.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An upstream service as the catalog describes it.
 *
 * @param id          lower-case id, also the {@code tool} of its operations
 * @param name        display name
 * @param baseUrl     scheme://host[:port][/prefix] without trailing slash, after the
 *                    {@code TOLLGATE_UPSTREAM_<ID>_URL} override; empty for {@link AuthStyle.Kind#BASE_URL}
 *                    providers, whose secret is the base URL
 * @param auth        how the secret is sent
 * @param headers     static headers sent with every call (e.g. {@code anthropic-version})
 * @param keyPattern  the format a secret must match (whole string); empty for providers without keys
 * @param keyFormat   the same format in words, for error messages
 * @param byok        customers may register their own key
 * @param platformKey Tollgate offers credits mode with its own key
 * @param verify      the free call that checks a key; empty where none exists
 * @param operations  in catalog order; empty for a federated MCP server, whose tools are discovered
 * @param federation  present for a federated MCP server ({@code "kind": "mcp"}); {@code baseUrl} is then the server's
 *                    Streamable HTTP endpoint, empty when no URL is configured (the provider is then unavailable)
 */
public record Provider(String id, String name, Optional<String> baseUrl, AuthStyle auth, Map<String, String> headers,
                       Optional<Pattern> keyPattern, Optional<String> keyFormat, boolean byok, boolean platformKey,
                       Optional<Verify> verify, List<Operation> operations, Optional<FederatedServer> federation) {

    public Provider {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(keyPattern, "keyPattern");
        Objects.requireNonNull(keyFormat, "keyFormat");
        Objects.requireNonNull(verify, "verify");
        Objects.requireNonNull(federation, "federation");
        headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        operations = List.copyOf(operations);
    }

    /** The environment variable that overrides the base URL, e.g. {@code TOLLGATE_UPSTREAM_OPENAI_URL}. */
    public static String baseUrlVariable(String providerId) {
        return "TOLLGATE_UPSTREAM_" + providerId.toUpperCase(Locale.ROOT) + "_URL";
    }

    /** Every operation is free: no key, no credits; listed neither as BYOK nor as credit provider. */
    public boolean isFree() {
        return federation.map(f -> f.pricing().isFree()).orElseGet(() -> operations.stream().allMatch(Operation::isFree));
    }

    /** A federated MCP server: its operations are the tools it lists, discovered at run time (SPEC 12.3). */
    public boolean isFederated() {
        return federation.isPresent();
    }

    /** Whether {@code secret} has this provider's key format. Never logs or echoes it. */
    public boolean acceptsKey(String secret) {
        return secret != null && keyPattern.map(p -> p.matcher(secret).matches()).orElse(false);
    }

    public Optional<Operation> operation(String operationId) {
        return operations.stream().filter(o -> o.id().equals(operationId)).findFirst();
    }
}
