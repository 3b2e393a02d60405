package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.catalog.Provider;
import io.a2a.client.Client;
import io.a2a.client.ClientEvent;
import io.a2a.client.TaskEvent;
import io.a2a.client.config.ClientConfig;
import io.a2a.client.http.A2ACardResolver;
import io.a2a.client.transport.jsonrpc.JSONRPCTransport;
import io.a2a.client.transport.jsonrpc.JSONRPCTransportConfigBuilder;
import io.a2a.client.transport.spi.interceptors.auth.AuthInterceptor;
import io.a2a.spec.A2AClientException;
import io.a2a.spec.AgentCard;
import io.a2a.spec.AgentSkill;
import io.a2a.spec.DataPart;
import io.a2a.spec.HTTPAuthSecurityScheme;
import io.a2a.spec.Message;
import io.a2a.spec.Task;
import io.a2a.spec.TaskIdParams;
import io.a2a.spec.TaskNotCancelableError;
import io.a2a.spec.TaskNotFoundError;
import io.a2a.spec.TaskQueryParams;
import io.a2a.spec.TaskState;
import io.a2a.spec.TextPart;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The A2A door end to end, driven by the official A2A Java SDK client (0.3) against the local runner with
 * {@code --mock-upstreams}: the card the SDK resolves, a free call, a BYOK call (0 credits), a credits call (the
 * balance drops by exactly the price), a BYOK key the provider rejects (a failed task, nothing charged), a replayed
 * messageId (one charge), tasks/get, and the errors of the methods Tollgate does not offer.
 */
class A2aClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static OfflineTollgate local;
    private static String base;
    private static AgentCard card;

    @BeforeAll
    static void start() throws Exception {
        local = OfflineTollgate.start();
        base = local.base;
        card = new A2ACardResolver(base).getAgentCard();
    }

    @AfterAll
    static void stop() {
        local.close();
    }

    static String customer(long credits) {
        return local.customer(credits);
    }

    /** The SDK client as an agent would build it: from the card, authenticated by the card's security scheme. */
    static Client client(AgentCard card, String token, List<Task> received) throws A2AClientException {
        BiConsumer<ClientEvent, AgentCard> collect = (event, c) -> {
            if (event instanceof TaskEvent taskEvent) {
                received.add(taskEvent.getTask());
            }
        };
        return Client.builder(card)
                .clientConfig(new ClientConfig.Builder().setStreaming(false).build())
                .withTransport(JSONRPCTransport.class, new JSONRPCTransportConfigBuilder()
                        .addInterceptor(new AuthInterceptor((scheme, context) -> "tollgate".equals(scheme) ? token : null)))
                .addConsumer(collect)
                .build();
    }

    static Message call(String messageId, Map<String, Object> data) {
        return new Message.Builder().role(Message.Role.USER).messageId(messageId).parts(new DataPart(data)).build();
    }

    static Task send(Client client, List<Task> received, Message message) throws A2AClientException {
        int before = received.size();
        client.sendMessage(message);
        assertEquals(before + 1, received.size(), "one task per message");
        return received.get(received.size() - 1);
    }

    static JsonNode rest(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, method + " " + path + " → " + response.statusCode() + " " + response.body());
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    static BigDecimal balance(String token) throws Exception {
        return rest("GET", "/api/v1/key", token, null).path("credits_remaining").decimalValue();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> billing(Task task) {
        return (Map<String, Object>) task.getMetadata().get("tollgate/billing");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> error(Task task) {
        return (Map<String, Object>) task.getMetadata().get("tollgate/error");
    }

    static Map<String, Object> result(Task task) {
        return ((DataPart) task.getArtifacts().get(0).parts().get(0)).getData();
    }

    static BigDecimal decimal(Object value) {
        return new BigDecimal(String.valueOf(value));
    }

    @Test
    void theSdkResolvesTheCardWithEveryProviderAsASkill() {
        assertEquals(base + "/a2a", card.url());
        assertEquals("0.3.0", card.protocolVersion());
        assertEquals("JSONRPC", card.preferredTransport());
        assertFalse(card.capabilities().streaming());
        assertEquals("bearer", ((HTTPAuthSecurityScheme) card.securitySchemes().get("tollgate")).getScheme());
        List<String> skills = card.skills().stream().map(AgentSkill::id).toList();
        for (Provider provider : local.tollgate.services().catalog().providers()) {
            assertTrue(skills.contains(provider.id()), provider.id());
        }
    }

    @Test
    void freeByokAndCreditsCallsAreBilledAsOverRest() throws Exception {
        String token = customer(10);
        rest("POST", "/api/v1/byok", token, "{\"provider\":\"openai\",\"api_key\":\"" + MockUpstreams.FAKE_KEYS.get("openai") + "\"}");
        List<Task> received = new ArrayList<>();
        Client client = client(card, token, received);

        Task free = send(client, received, call(UUID.randomUUID().toString(),
                Map.of("tool", "context7", "operation", "resolve_library", "input", Map.of("query", "react"))));
        assertEquals(TaskState.COMPLETED, free.getStatus().state());
        assertEquals("free", billing(free).get("mode"));
        assertFalse(result(free).isEmpty());
        assertEquals(0, new BigDecimal("10").compareTo(balance(token)));

        Task byok = send(client, received, call(UUID.randomUUID().toString(), Map.of("name", "openai_chat_completion",
                "arguments", Map.of("model", "gpt-4o", "messages", List.of(Map.of("role", "user", "content", "Say hello"))))));
        assertEquals(TaskState.COMPLETED, byok.getStatus().state());
        assertEquals("byok", billing(byok).get("mode"));
        assertEquals(0, decimal(billing(byok).get("credits_charged")).signum());
        assertNotNull(result(byok).get("choices"));
        assertEquals(0, new BigDecimal("10").compareTo(balance(token)), "BYOK costs 0 credits");

        Task credits = send(client, received, call(UUID.randomUUID().toString(),
                Map.of("tool", "tavily", "operation", "search", "input", Map.of("query", "a2a"))));
        assertEquals(TaskState.COMPLETED, credits.getStatus().state());
        assertEquals("credits", billing(credits).get("mode"));
        BigDecimal charged = decimal(billing(credits).get("credits_charged"));
        assertTrue(charged.signum() > 0);
        assertEquals(0, new BigDecimal("10").subtract(charged).compareTo(balance(token)), "the balance drops by the price");
        assertEquals(0, decimal(billing(credits).get("credits_remaining")).compareTo(balance(token)));
    }

    @Test
    void aRejectedByokKeyIsAFailedTaskAndChargesNothing() throws Exception {
        String token = customer(10);
        String revoked = "sk-proj-invalidINVALIDinvalid00000001";
        rest("POST", "/api/v1/byok", token, "{\"provider\":\"openai\",\"api_key\":\"" + revoked + "\"}");
        List<Task> received = new ArrayList<>();
        Task task = send(client(card, token, received), received, call(UUID.randomUUID().toString(),
                Map.of("name", "openai_chat_completion", "arguments",
                        Map.of("model", "gpt-4o", "messages", List.of(Map.of("role", "user", "content", "Hi"))))));

        assertEquals(TaskState.FAILED, task.getStatus().state());
        assertEquals("byok_key_rejected", error(task).get("code"));
        Message status = task.getStatus().message();
        assertTrue(((TextPart) status.getParts().get(0)).getText().contains("byok_key_rejected"));
        assertTrue(task.getArtifacts().isEmpty());
        assertFalse(JSON.writeValueAsString(error(task)).contains(revoked), "the key never comes back");
        assertEquals(0, new BigDecimal("10").compareTo(balance(token)), "nothing charged, no fallback to credits");
    }

    @Test
    void aReplayedMessageIdChargesOnceAndTasksGetReadsTheTaskBack() throws Exception {
        String token = customer(5);
        List<Task> received = new ArrayList<>();
        Client client = client(card, token, received);
        Message message = call("retry-" + UUID.randomUUID(), Map.of("tool", "tavily", "operation", "search",
                "input", Map.of("query", "once")));

        Task first = send(client, received, message);
        Task again = send(client, received, message);
        assertEquals(first.getId(), again.getId());
        assertEquals(Boolean.TRUE, again.getMetadata().get("tollgate/replayed"));
        assertEquals(result(first), result(again));
        BigDecimal charged = decimal(billing(first).get("credits_charged"));
        assertEquals(0, new BigDecimal("5").subtract(charged).compareTo(balance(token)), "charged once");

        Task read = client.getTask(new TaskQueryParams(first.getId()), null);
        assertEquals(first.getId(), read.getId());
        assertEquals(TaskState.COMPLETED, read.getStatus().state());
        assertEquals(result(first), result(read));

        A2AClientException notCancelable = assertThrows(A2AClientException.class,
                () -> client.cancelTask(new TaskIdParams(first.getId()), null));
        assertInstanceOf(TaskNotCancelableError.class, notCancelable.getCause());

        // Another account's client cannot see the task.
        Client stranger = client(card, customer(0), new ArrayList<>());
        A2AClientException notFound = assertThrows(A2AClientException.class,
                () -> stranger.getTask(new TaskQueryParams(first.getId()), null));
        assertInstanceOf(TaskNotFoundError.class, notFound.getCause());
    }

    @Test
    void aTextOnlyMessageFailsWithTheShapeItNeeds() throws Exception {
        String token = customer(1);
        List<Task> received = new ArrayList<>();
        Task task = send(client(card, token, received), received, new Message.Builder().role(Message.Role.USER)
                .messageId(UUID.randomUUID().toString()).parts(new TextPart("Search the web for A2A")).build());
        assertEquals(TaskState.FAILED, task.getStatus().state());
        assertEquals("validation_failed", error(task).get("code"));
        assertTrue(String.valueOf(error(task).get("message")).contains("data part"));
    }

    @Test
    void methodsTollgateDoesNotOfferAnswerWithTheirA2aErrors() throws Exception {
        String token = customer(0);
        Map<String, Integer> expected = Map.of("message/stream", -32004, "tasks/resubscribe", -32004,
                "tasks/pushNotificationConfig/set", -32003, "agent/getAuthenticatedExtendedCard", -32007,
                "tasks/list", -32601);
        for (var entry : expected.entrySet()) {
            JsonNode answer = rpc(token, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + entry.getKey() + "\",\"params\":{}}");
            assertEquals(entry.getValue(), answer.path("error").path("code").asInt(), entry.getKey() + " " + answer);
        }
        assertEquals(-32700, rpc(token, "{\"jsonrpc\":").path("error").path("code").asInt());
        assertEquals(-32600, rpc(token, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tasks/get\"}]").path("error").path("code").asInt());
        assertEquals(-32602, rpc(token, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"message/send\",\"params\":{}}")
                .path("error").path("code").asInt());
    }

    @Test
    void withoutATokenTheSdkGets401() throws Exception {
        Client anonymous = Client.builder(card)
                .clientConfig(new ClientConfig.Builder().setStreaming(false).build())
                .withTransport(JSONRPCTransport.class, new JSONRPCTransportConfigBuilder())
                .build();
        A2AClientException e = assertThrows(A2AClientException.class,
                () -> anonymous.getTask(new TaskQueryParams("task_0123456789abcdef0123456789abcdef"), null));
        assertTrue(e.getMessage().contains("Authentication failed"), e.getMessage());
    }

    /** The card (skills cut to two) and a billed message/send + tasks/get, exactly as exchanged, for docs/A2A.md. */
    @Test
    void recordsAnExchange() throws Exception {
        String token = customer(10);
        StringBuilder transcript = new StringBuilder();
        HttpResponse<String> cardResponse = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/agent-card.json"))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode cardJson = JSON.readTree(cardResponse.body());
        var skills = (com.fasterxml.jackson.databind.node.ArrayNode) cardJson.get("skills");
        while (skills.size() > 2) {
            skills.remove(2);
        }
        transcript.append("> GET /.well-known/agent-card.json\n< ").append(cardResponse.statusCode())
                .append(" application/json (skills cut to two)\n< ")
                .append(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cardJson)).append("\n\n");
        String send = "{\"jsonrpc\":\"2.0\",\"id\":\"req-1\",\"method\":\"message/send\",\"params\":{\"message\":"
                + "{\"kind\":\"message\",\"role\":\"user\",\"messageId\":\"6f1e8a52-2b7c-4c0e-9d3a-5b8f7e1c2a40\","
                + "\"parts\":[{\"kind\":\"data\",\"data\":{\"tool\":\"tavily\",\"operation\":\"search\","
                + "\"input\":{\"query\":\"agent to agent protocol\"}}}]}}}";
        JsonNode sent = rpc(token, send);
        String taskId = sent.path("result").path("id").asText();
        String get = "{\"jsonrpc\":\"2.0\",\"id\":\"req-2\",\"method\":\"tasks/get\",\"params\":{\"id\":\"" + taskId + "\"}}";
        JsonNode got = rpc(token, get);
        String text = "{\"jsonrpc\":\"2.0\",\"id\":\"req-3\",\"method\":\"message/send\",\"params\":{\"message\":"
                + "{\"kind\":\"message\",\"role\":\"user\",\"messageId\":\"0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f\","
                + "\"parts\":[{\"kind\":\"text\",\"text\":\"Search the web for the A2A protocol\"}]}}}";
        JsonNode failed = rpc(token, text);
        for (var pair : List.of(Map.entry(send, sent), Map.entry(get, got), Map.entry(text, failed))) {
            transcript.append("> POST /a2a\n> ").append(pair.getKey()).append("\n< 200 application/json\n< ")
                    .append(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(pair.getValue())).append("\n\n");
        }
        java.nio.file.Path out = java.nio.file.Path.of("target", "a2a-exchange.txt");
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, transcript.toString().replace(token, "tg_test_…"));
    }

    static JsonNode rpc(String token, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/a2a"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}
