package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testkit.RepoRoot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Object-level authorization over real HTTP: every principal × every workspace route → the expected status, and
 * afterwards nothing in the target workspace was read or changed by anyone who should not have been able to.
 * Principals: the workspace's creator (admin), a second admin, a member, an outsider, an agent of W1 and an agent
 * of another workspace W2.
 */
class AuthorizationMatrixIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> PRINCIPALS = List.of("owner", "admin", "member", "outsider", "agentW1", "agentW2");

    private static LocalTollgate tollgate;
    private static String base;
    private static final Map<String, String> TOKENS = new LinkedHashMap<>();
    private static final Map<String, String> ACCOUNTS = new LinkedHashMap<>();
    private static String w1;
    private static String w2;
    private static String agentW1;
    private static String keyW1;
    private static String personalKeyOfOwner;
    private static final java.util.concurrent.atomic.AtomicInteger KEYS = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    static void setUp() throws Exception {
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()));
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
        for (String person : List.of("owner", "admin", "member", "outsider", "ownerW2")) {
            person(person);
        }
        w1 = call("POST", "/api/v1/workspaces", TOKENS.get("owner"), "{\"name\":\"W1\"}").body().path("id").asText();
        w2 = call("POST", "/api/v1/workspaces", TOKENS.get("ownerW2"), "{\"name\":\"W2\"}").body().path("id").asText();
        expect(201, call("POST", "/api/v1/workspaces/" + w1 + "/members", TOKENS.get("owner"),
                "{\"account_id\":\"" + ACCOUNTS.get("admin") + "\",\"role\":\"admin\"}"));
        expect(201, call("POST", "/api/v1/workspaces/" + w1 + "/members", TOKENS.get("owner"),
                "{\"account_id\":\"" + ACCOUNTS.get("member") + "\",\"role\":\"member\"}"));
        JsonNode a1 = call("POST", "/api/v1/workspaces/" + w1 + "/agents", TOKENS.get("owner"), "{\"name\":\"bot1\"}").body();
        agentW1 = a1.path("id").asText();
        TOKENS.put("agentW1", a1.path("api_key").asText());
        TOKENS.put("agentW2", call("POST", "/api/v1/workspaces/" + w2 + "/agents", TOKENS.get("ownerW2"),
                "{\"name\":\"bot2\"}").body().path("api_key").asText());
        // BYOK needs Pro or higher: the operator puts W1 on the team plan.
        tollgate.services().accountService().update(w1, dev.tollgate.domain.Plan.TEAM, null, "test");
        keyW1 = workspaceKey();
        personalKeyOfOwner = call("POST", "/api/v1/byok", TOKENS.get("owner"),
                "{\"provider\":\"openai\",\"api_key\":\"" + openAiKey() + "\"}").body().path("id").asText();
    }

    private static String openAiKey() {
        return "sk-proj-matrix" + String.format("%040d", KEYS.incrementAndGet());
    }

    /** A fresh OpenAI key registered in W1 by its owner. */
    private static String workspaceKey() {
        try {
            Reply reply = call("POST", "/api/v1/workspaces/" + w1 + "/keys", TOKENS.get("owner"),
                    "{\"provider\":\"openai\",\"api_key\":\"" + openAiKey() + "\",\"display_name\":\"Team OpenAI\"}");
            expect(201, reply);
            return reply.body().path("id").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @AfterAll
    static void stop() {
        tollgate.close();
    }

    record Reply(int status, JsonNode body) {
    }

    private static void person(String name) {
        var services = tollgate.services().accountService();
        var account = services.create(dev.tollgate.domain.Account.Type.PERSONAL, dev.tollgate.domain.Plan.PRO, name, "test");
        ACCOUNTS.put(name, account.id());
        TOKENS.put(name, services.issueApiKey(account.id(), name, "test").token());
    }

    private static String newPerson() {
        var services = tollgate.services().accountService();
        return services.create(dev.tollgate.domain.Account.Type.PERSONAL, dev.tollgate.domain.Plan.FREE, "p", "test").id();
    }

    private static Reply call(String method, String path, String token, String body) throws Exception {
        return call(method, path, token, body, Map.of());
    }

    private static Reply call(String method, String path, String token, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body().isBlank() ? null : JSON.readTree(response.body()));
    }

    private static void expect(int status, Reply reply) {
        assertEquals(status, reply.status(), String.valueOf(reply.body()));
    }

    /** One route, with a fresh target per principal where the call changes state. */
    record Cell(String name, String method, Supplier<String> path, Supplier<String> body, Map<String, Integer> expected) {
    }

    private static Map<String, Integer> row(int owner, int admin, int member, int outsider, int agentW1, int agentW2) {
        Map<String, Integer> row = new LinkedHashMap<>();
        int[] values = {owner, admin, member, outsider, agentW1, agentW2};
        for (int i = 0; i < PRINCIPALS.size(); i++) {
            row.put(PRINCIPALS.get(i), values[i]);
        }
        return row;
    }

    private static String memberVictim() {
        String victim = newPerson();
        try {
            expect(201, call("POST", "/api/v1/workspaces/" + w1 + "/members", TOKENS.get("owner"),
                    "{\"account_id\":\"" + victim + "\"}"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return victim;
    }

    private static String agentVictim() {
        try {
            return call("POST", "/api/v1/workspaces/" + w1 + "/agents", TOKENS.get("owner"), "{\"name\":\"victim\"}")
                    .body().path("id").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyPrincipalGetsExactlyWhatItIsAllowedOnEveryWorkspaceRoute() throws Exception {
        String ws = "/api/v1/workspaces/";
        List<Cell> cells = List.of(
                new Cell("read workspace", "GET", () -> ws + w1, () -> null, row(200, 200, 200, 404, 200, 404)),
                new Cell("list members", "GET", () -> ws + w1 + "/members", () -> null, row(200, 200, 200, 404, 403, 404)),
                new Cell("add member", "POST", () -> ws + w1 + "/members",
                        () -> "{\"account_id\":\"" + newPerson() + "\",\"role\":\"member\"}", row(201, 201, 403, 404, 403, 404)),
                new Cell("remove member", "DELETE", () -> ws + w1 + "/members/" + memberVictim(), () -> null,
                        row(204, 204, 403, 404, 403, 404)),
                new Cell("create agent", "POST", () -> ws + w1 + "/agents", () -> "{\"name\":\"x\"}",
                        row(201, 201, 403, 404, 403, 404)),
                new Cell("list agents", "GET", () -> ws + w1 + "/agents", () -> null, row(200, 200, 200, 404, 403, 404)),
                new Cell("read agent W1", "GET", () -> ws + w1 + "/agents/" + agentW1, () -> null,
                        row(200, 200, 200, 404, 200, 404)),
                new Cell("read another agent", "GET", () -> ws + w1 + "/agents/" + agentVictim(), () -> null,
                        row(200, 200, 200, 404, 404, 404)),
                new Cell("rebind agent", "PATCH", () -> ws + w1 + "/agents/" + agentVictim(), () -> "{\"key_bindings\":{}}",
                        row(200, 200, 403, 404, 403, 404)),
                new Cell("delete agent", "DELETE", () -> ws + w1 + "/agents/" + agentVictim(), () -> null,
                        row(204, 204, 403, 404, 403, 404)),
                new Cell("act for W1 via header", "GET", () -> "/api/v1/key", () -> null, row(200, 200, 200, 404, 200, 404)),
                new Cell("register workspace key", "POST", () -> ws + w1 + "/keys",
                        () -> "{\"provider\":\"openai\",\"api_key\":\"" + openAiKey() + "\",\"display_name\":\"k\"}",
                        row(201, 201, 403, 404, 403, 404)),
                // Seed 000: only workspace admins view workspace keys; members and agents use them without seeing them.
                new Cell("list workspace keys", "GET", () -> ws + w1 + "/keys", () -> null, row(200, 200, 403, 404, 403, 404)),
                new Cell("read workspace key", "GET", () -> ws + w1 + "/keys/" + keyW1, () -> null,
                        row(200, 200, 403, 404, 403, 404)),
                new Cell("list W1 keys via header", "GET", () -> "/api/v1/byok", () -> null, row(200, 200, 403, 404, 403, 404)),
                new Cell("list W1 agents via header", "GET", () -> "/api/v1/agents", () -> null,
                        row(200, 200, 200, 404, 403, 404)),
                new Cell("make key default", "PATCH", () -> ws + w1 + "/keys/" + keyW1, () -> "{\"default\":true}",
                        row(200, 200, 403, 404, 403, 404)),
                new Cell("delete workspace key", "DELETE", () -> ws + w1 + "/keys/" + workspaceKey(), () -> null,
                        row(204, 204, 403, 404, 403, 404)),
                new Cell("read owner's personal key", "GET", () -> "/api/v1/byok/" + personalKeyOfOwner, () -> null,
                        row(200, 404, 404, 404, 403, 403)),
                new Cell("delete owner's personal key", "DELETE", () -> "/api/v1/byok/" + personalKeyOfOwner, () -> null,
                        row(204, 404, 404, 404, 403, 403)));

        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Cell cell : cells) {
            // The owner's own delete goes last, so everyone else is tried against a key that still exists.
            List<String> order = new ArrayList<>(PRINCIPALS);
            if (cell.name().startsWith("delete owner's")) {
                java.util.Collections.reverse(order);
            }
            for (String principal : order) {
                Map<String, String> headers = cell.name().contains("header") ? Map.of("X-Tollgate-Workspace", w1) : Map.of();
                Reply reply = call(cell.method(), cell.path().get(), TOKENS.get(principal), cell.body().get(), headers);
                int expected = cell.expected().get(principal);
                checked++;
                assertTrue(reply.body() == null || !reply.body().toString().contains("sk-proj-matrix"),
                        "a provider key leaked in " + cell.name());
                if (reply.status() != expected) {
                    mismatches.add(cell.name() + " as " + principal + ": expected " + expected + ", got " + reply.status()
                            + " " + reply.body());
                } else if (reply.status() >= 400) {
                    assertTrue(reply.body().path("error").path("code").isTextual(), String.valueOf(reply.body()));
                }
                if (cell.name().startsWith("act for") && reply.status() == 200) {
                    assertEquals(w1, reply.body().path("account_id").asText(), principal + " acts for W1");
                }
            }
        }
        assertEquals(List.of(), mismatches, "authorization matrix");
        assertEquals(cells.size() * PRINCIPALS.size(), checked);
    }

    @Test
    void aKeyPinnedByAnAgentCannotBeDeletedUnlessForcedWhichUnbindsIt() throws Exception {
        String pinned = workspaceKey();
        JsonNode agent = call("POST", "/api/v1/workspaces/" + w1 + "/agents", TOKENS.get("owner"),
                "{\"name\":\"pinned\",\"key_bindings\":{\"openai\":\"" + pinned + "\"}}").body();
        assertEquals(pinned, agent.path("key_bindings").path("openai").asText());

        Reply refused = call("DELETE", "/api/v1/workspaces/" + w1 + "/keys/" + pinned, TOKENS.get("admin"), null);
        expect(409, refused);
        assertEquals("key_in_use", refused.body().path("error").path("code").asText());
        assertEquals(agent.path("id").asText(), refused.body().path("error").path("agents").get(0).asText());
        expect(200, call("GET", "/api/v1/workspaces/" + w1 + "/keys/" + pinned, TOKENS.get("owner"), null));

        expect(204, call("DELETE", "/api/v1/workspaces/" + w1 + "/keys/" + pinned + "?force=true", TOKENS.get("admin"), null));
        JsonNode after = call("GET", "/api/v1/workspaces/" + w1 + "/agents/" + agent.path("id").asText(), TOKENS.get("owner"), null).body();
        assertEquals(0, after.path("key_bindings").size());
        expect(404, call("GET", "/api/v1/workspaces/" + w1 + "/keys/" + pinned, TOKENS.get("owner"), null));
    }

    @Test
    void anAgentCannotBePinnedToAnotherWorkspacesKeyAndDefaultsMoveWhenTheDefaultIsDeleted() throws Exception {
        tollgate.services().accountService().update(w2, dev.tollgate.domain.Plan.PRO, null, "test");
        String foreign = call("POST", "/api/v1/workspaces/" + w2 + "/keys", TOKENS.get("ownerW2"),
                "{\"provider\":\"openai\",\"api_key\":\"" + openAiKey() + "\"}").body().path("id").asText();
        Reply crossTenant = call("POST", "/api/v1/workspaces/" + w1 + "/agents", TOKENS.get("owner"),
                "{\"name\":\"x\",\"key_bindings\":{\"openai\":\"" + foreign + "\"}}");
        expect(400, crossTenant);

        String first = workspaceKey();
        String second = workspaceKey();
        expect(200, call("PATCH", "/api/v1/workspaces/" + w1 + "/keys/" + first, TOKENS.get("owner"), "{\"default\":true}"));
        expect(204, call("DELETE", "/api/v1/workspaces/" + w1 + "/keys/" + first, TOKENS.get("owner"), null));
        JsonNode keys = call("GET", "/api/v1/workspaces/" + w1 + "/keys", TOKENS.get("owner"), null).body().path("data");
        long defaults = 0;
        for (JsonNode k : keys) {
            defaults += k.path("default").asBoolean() ? 1 : 0;
        }
        assertEquals(1, defaults, "exactly one default after the default was deleted: " + keys);
        assertTrue(keys.toString().contains(second));
    }

    @Test
    void listingsNeverShowAnotherTenantsWorkspace() throws Exception {
        for (String principal : List.of("outsider", "agentW2")) {
            JsonNode list = call("GET", "/api/v1/workspaces", TOKENS.get(principal), null).body().path("data");
            list.forEach(w -> assertTrue(!w.path("id").asText().equals(w1), principal + " sees W1"));
        }
        JsonNode agentList = call("GET", "/api/v1/workspaces", TOKENS.get("agentW1"), null).body().path("data");
        assertEquals(1, agentList.size());
        assertEquals(w1, agentList.get(0).path("id").asText());
        assertEquals("agent", agentList.get(0).path("role").asText());
    }

    @Test
    void theLastAdminCanNeitherLeaveNorBeDemoted() throws Exception {
        String solo = call("POST", "/api/v1/workspaces", TOKENS.get("outsider"), "{\"name\":\"solo\"}").body().path("id").asText();
        String path = "/api/v1/workspaces/" + solo + "/members/";
        Reply leave = call("DELETE", path + ACCOUNTS.get("outsider"), TOKENS.get("outsider"), null);
        expect(409, leave);
        assertEquals("last_admin", leave.body().path("error").path("code").asText());
        Reply demote = call("POST", "/api/v1/workspaces/" + solo + "/members", TOKENS.get("outsider"),
                "{\"account_id\":\"" + ACCOUNTS.get("outsider") + "\",\"role\":\"member\"}");
        expect(409, demote);
        // With a second admin the first may leave.
        expect(201, call("POST", "/api/v1/workspaces/" + solo + "/members", TOKENS.get("outsider"),
                "{\"account_id\":\"" + ACCOUNTS.get("member") + "\",\"role\":\"admin\"}"));
        expect(204, call("DELETE", path + ACCOUNTS.get("outsider"), TOKENS.get("outsider"), null));
        expect(404, call("GET", "/api/v1/workspaces/" + solo, TOKENS.get("outsider"), null));
    }

    @Test
    void aDeletedAgentsKeyStopsWorkingAndBadInputIsTyped() throws Exception {
        JsonNode created = call("POST", "/api/v1/workspaces/" + w1 + "/agents", TOKENS.get("owner"), "{\"name\":\"tmp\"}").body();
        String token = created.path("api_key").asText();
        expect(200, call("GET", "/api/v1/key", token, null));
        expect(204, call("DELETE", "/api/v1/workspaces/" + w1 + "/agents/" + created.path("id").asText(), TOKENS.get("owner"), null));
        expect(401, call("GET", "/api/v1/key", token, null));

        Reply noName = call("POST", "/api/v1/workspaces", TOKENS.get("owner"), "{}");
        expect(400, noName);
        assertEquals("/name", noName.body().path("error").path("pointer").asText());
        Reply badBinding = call("POST", "/api/v1/workspaces/" + w1 + "/agents", TOKENS.get("owner"),
                "{\"name\":\"b\",\"key_bindings\":{\"openai\":\"byok_nope\"}}");
        expect(400, badBinding);
        assertEquals("/key_bindings/openai", badBinding.body().path("error").path("pointer").asText());
        Reply badRole = call("POST", "/api/v1/workspaces/" + w1 + "/members", TOKENS.get("owner"),
                "{\"account_id\":\"" + newPerson() + "\",\"role\":\"owner\"}");
        expect(400, badRole);
        expect(404, call("GET", "/api/v1/workspaces/ws_doesnotexist", TOKENS.get("owner"), null));
        expect(404, call("GET", "/api/v1/workspaces/" + w1 + "/agents/agt_doesnotexist", TOKENS.get("owner"), null));
    }
}
