package dev.tollgate.a2a;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ToolDirectory;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.json.Json;
import io.a2a.spec.AgentCard;
import io.a2a.spec.AgentSkill;
import io.a2a.spec.HTTPAuthSecurityScheme;
import io.a2a.util.Utils;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public agent card: what the A2A SDK reads from it, and its url as the caller reached the API. */
class AgentCardsTest {
    private final A2aTestSupport a2a = new A2aTestSupport();

    private ApiResponse card(Map<String, String> headers) {
        return a2a.endpoint.card(A2aTestSupport.request("GET", "/.well-known/agent-card.json", headers, null));
    }

    private static AgentCard parse(ApiResponse response) throws Exception {
        return Utils.unmarshalFrom(response.body(), new TypeReference<AgentCard>() { });
    }

    @Test
    void theSdkReadsTheCardWithOneSkillPerProvider() throws Exception {
        ApiResponse response = card(Map.of("host", "abc123.execute-api.eu-west-1.amazonaws.com", "x-forwarded-proto", "https"));
        assertEquals(200, response.status());
        AgentCard card = parse(response);

        assertEquals("0.3.0", card.protocolVersion());
        assertEquals("Tollgate", card.name());
        assertEquals("https://abc123.execute-api.eu-west-1.amazonaws.com/a2a", card.url());
        assertEquals("JSONRPC", card.preferredTransport());
        assertFalse(card.capabilities().streaming());
        assertFalse(card.capabilities().pushNotifications());
        assertEquals(java.util.List.of("application/json"), card.defaultInputModes());
        assertEquals(java.util.List.of("application/json"), card.defaultOutputModes());
        HTTPAuthSecurityScheme scheme = (HTTPAuthSecurityScheme) card.securitySchemes().get("tollgate");
        assertEquals("bearer", scheme.getScheme());
        assertEquals(java.util.List.of(Map.of("tollgate", java.util.List.of())), card.security());

        Map<String, AgentSkill> skills = new HashMap<>();
        card.skills().forEach(s -> skills.put(s.id(), s));
        // One skill per provider a call can reach now (the directory's: a federated MCP server that does not answer,
        // as none does here, is left out) plus the built-in tollgate_account.
        Map<Provider, java.util.List<Operation>> reachable = ToolDirectory.of(A2aTestSupport.CATALOG)
                .operationsByProvider();
        assertTrue(reachable.keySet().stream().noneMatch(Provider::isFederated), reachable.keySet().toString());
        assertEquals(reachable.size() + 1, skills.size());
        for (Provider provider : A2aTestSupport.CATALOG.providers()) {
            AgentSkill skill = skills.get(provider.id());
            if (provider.isFederated()) {
                assertNull(skill, provider.id() + " has no reachable server, so no skill");
                continue;
            }
            assertEquals(provider.name(), skill.name());
            assertTrue(skill.tags().contains(provider.id()));
            for (Operation op : provider.operations()) {
                assertTrue(skill.description().contains(op.toolName()), skill.description());
            }
            assertEquals(provider.operations().size(), skill.examples().size());
            for (String example : skill.examples()) {
                JsonNode call = Json.read(example);
                assertTrue(A2aTestSupport.CATALOG.operation(call.path("tool").asText(), call.path("operation").asText())
                        .isPresent(), example);
            }
        }
        assertTrue(skills.get("context7").tags().contains("free"));
        assertTrue(skills.get("openai").tags().containsAll(java.util.List.of("byok", "credits")));
        assertTrue(skills.get("ollama").description().contains("own Ollama key only"));
        assertTrue(skills.get("tollgate").examples().get(0).contains("tollgate_account"));
    }

    @Test
    void theUrlIsTheOneTheRequestReached() throws Exception {
        assertEquals("http://127.0.0.1:8804/a2a",
                parse(card(Map.of("host", "127.0.0.1:8804", "x-forwarded-proto", "http"))).url());
        assertEquals("https://gw.example.com/a2a",
                parse(card(Map.of("host", "gw.example.com:443", "x-forwarded-proto", "https"))).url());
        // A Host that could bend the URL is not trusted: the request context's domain name is.
        assertEquals("https://abc123.execute-api.eu-west-1.amazonaws.com/a2a",
                parse(card(Map.of("host", "evil.example/x?", "x-forwarded-proto", "https"))).url());
        assertEquals("https://abc123.execute-api.eu-west-1.amazonaws.com/a2a",
                parse(card(Map.of("host", "a@b", "x-forwarded-proto", "javascript"))).url());
    }

    @Test
    void aNamedStageIsPartOfTheUrl() throws Exception {
        var event = com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.builder()
                .withRawPath("/.well-known/agent-card.json")
                .withHeaders(Map.of("host", "abc123.execute-api.eu-west-1.amazonaws.com", "x-forwarded-proto", "https"))
                .withRequestContext(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withStage("prod").build())
                .build();
        ApiResponse response = a2a.endpoint.card(dev.tollgate.http.ApiRequest.from(event, "req_1"));
        assertEquals("https://abc123.execute-api.eu-west-1.amazonaws.com/prod/a2a", parse(response).url());
        assertEquals("public, max-age=300", response.headers().get("Cache-Control"));
    }
}
