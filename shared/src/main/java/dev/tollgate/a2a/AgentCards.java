package dev.tollgate.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.catalog.ToolDirectory;
import dev.tollgate.execution.ToolInvoker;
import dev.tollgate.json.Json;
import io.a2a.spec.AgentCapabilities;
import io.a2a.spec.AgentCard;
import io.a2a.spec.AgentInterface;
import io.a2a.spec.AgentSkill;
import io.a2a.spec.HTTPAuthSecurityScheme;
import io.a2a.spec.TransportProtocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public agent card ({@code GET /.well-known/agent-card.json}, SPEC 12.1): Tollgate as one A2A agent over the
 * JSON-RPC binding, bearer-authenticated, with one skill per catalog provider — generated from the catalog, so a new
 * provider is a new skill without code — plus the free {@code tollgate} skill (the account view). Skills are built
 * once; each request only fills in the URL it was called at.
 */
public final class AgentCards {
    static final String PROTOCOL_VERSION = "0.3.0";
    static final String SECURITY_SCHEME = "tollgate";
    static final List<String> MODES = List.of("application/json");
    static final String DESCRIPTION = "Tollgate runs paid AI models and tool APIs for you and bills each call to your "
            + "own provider key (BYOK, 0 credits), to your prepaid Tollgate credits, or not at all (free tools). "
            + "Send message/send with one data part {\"tool\": \"<provider>\", \"operation\": \"<operation>\", "
            + "\"input\": {...}} (or {\"name\": \"<provider>_<operation>\", \"arguments\": {...}}): the completed "
            + "task's artifact holds the provider's answer and metadata[\"tollgate/billing\"] what it cost. Your "
            + "messageId is the call's idempotency key: sending it again returns the same task without a second "
            + "charge. A refused call is a failed (or rejected) task carrying the Tollgate error.";

    private final String version;
    private final ToolDirectory directory;

    public AgentCards(ProviderCatalog catalog, String version) {
        this(ToolDirectory.of(catalog), version);
    }

    /**
     * @param directory the operations a call can reach now: the catalog's, and the tools of every federated MCP server
     *                  that answers (a server that is down is left out of the card, as it is of tool listings)
     */
    public AgentCards(ToolDirectory directory, String version) {
        this.version = version;
        this.directory = directory;
    }

    private List<AgentSkill> skills() {
        List<AgentSkill> all = new ArrayList<>();
        all.add(accountSkill());
        directory.operationsByProvider().forEach((provider, operations) -> all.add(skill(provider, operations)));
        return all;
    }

    /** The card for an API reached at {@code baseUrl} (scheme://host[:port][/stage]). */
    public AgentCard card(String baseUrl) {
        String url = baseUrl + "/a2a";
        return new AgentCard.Builder()
                .protocolVersion(PROTOCOL_VERSION)
                .name("Tollgate")
                .description(DESCRIPTION)
                .url(url)
                .preferredTransport(TransportProtocol.JSONRPC.asString())
                .additionalInterfaces(List.of(new AgentInterface(TransportProtocol.JSONRPC.asString(), url)))
                .version(version)
                .capabilities(new AgentCapabilities.Builder().streaming(false).pushNotifications(false)
                        .stateTransitionHistory(false).build())
                .securitySchemes(Map.of(SECURITY_SCHEME, new HTTPAuthSecurityScheme("Tollgate API key (tg_live_…)",
                        "bearer", "Your Tollgate API key, as for the REST API: Authorization: Bearer tg_live_…")))
                .security(List.of(Map.of(SECURITY_SCHEME, List.of())))
                .defaultInputModes(MODES)
                .defaultOutputModes(MODES)
                .skills(skills())
                .supportsAuthenticatedExtendedCard(false)
                .build();
    }

    public ObjectNode json(String baseUrl) {
        return A2aJson.tree(card(baseUrl));
    }

    private static AgentSkill skill(Provider provider, List<Operation> operations) {
        StringBuilder description = new StringBuilder(provider.name()).append(" through Tollgate. Operations: ");
        Set<String> tags = new LinkedHashSet<>();
        tags.add(provider.id());
        List<String> examples = new ArrayList<>();
        for (int i = 0; i < operations.size(); i++) {
            Operation op = operations.get(i);
            description.append(i == 0 ? "" : "; ").append(op.id()).append(" (tool ").append(op.toolName())
                    .append(") — ").append(firstSentence(op.description()));
            tags.add(op.id());
            examples.add(Json.write(example(op)));
        }
        description.append(". Billing: ").append(billing(provider));
        if (provider.isFree()) {
            tags.add("free");
        } else {
            if (provider.byok()) {
                tags.add("byok");
            }
            if (provider.platformKey()) {
                tags.add("credits");
            }
        }
        return new AgentSkill.Builder()
                .id(provider.id())
                .name(provider.name())
                .description(description.toString())
                .tags(List.copyOf(tags))
                .examples(examples)
                .inputModes(MODES)
                .outputModes(MODES)
                .build();
    }

    private static AgentSkill accountSkill() {
        return new AgentSkill.Builder()
                .id("tollgate")
                .name("Tollgate account")
                .description("Your Tollgate account: plan, credits remaining and held, the providers you call with your "
                        + "own key (BYOK, 0 credits) and those paid with credits. Free; takes no input.")
                .tags(List.of("tollgate", "account", "free"))
                .examples(List.of("{\"name\":\"" + ToolInvoker.ACCOUNT_TOOL + "\",\"arguments\":{}}"))
                .inputModes(MODES)
                .outputModes(MODES)
                .build();
    }

    private static String billing(Provider provider) {
        if (provider.isFree()) {
            return "free, no key needed";
        }
        if (provider.byok() && provider.platformKey()) {
            return "your own " + provider.name() + " key (BYOK, 0 credits) if you registered one, else Tollgate credits";
        }
        if (provider.byok()) {
            return "your own " + provider.name() + " key only (BYOK, 0 credits)";
        }
        return "Tollgate credits";
    }

    /** The data part that calls {@code op}: its required input fields with empty values of their types. */
    static ObjectNode example(Operation op) {
        ObjectNode call = Json.object();
        call.put("tool", op.tool());
        call.put("operation", op.id());
        ObjectNode input = call.putObject("input");
        JsonNode schema = op.inputSchema();
        for (JsonNode required : schema.path("required")) {
            JsonNode type = schema.path("properties").path(required.asText()).path("type");
            String first = type.isArray() && !type.isEmpty() ? type.get(0).asText() : type.asText("string");
            switch (first) {
                case "array" -> input.putArray(required.asText());
                case "object" -> input.putObject(required.asText());
                case "integer", "number" -> input.put(required.asText(), 0);
                case "boolean" -> input.put(required.asText(), false);
                default -> input.put(required.asText(), "…");
            }
        }
        return call;
    }

    static String firstSentence(String text) {
        int end = text.indexOf(". ");
        String sentence = end < 0 ? text : text.substring(0, end);
        return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
    }
}
