package dev.tollgate.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.RepoRoot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 end to end, over HTTP through every real function: which key reaches the upstream for an agent's call.
 * Pinned key first (key_source "agent"), then the workspace's default key ("workspace"), then the workspace's
 * credits with the platform key ("platform"). WireMock answers only when the expected key is presented, and every
 * request it received is checked afterwards.
 */
class PinnedKeyResolutionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String DEFAULT_KEY = "tvly-teamDEFAULTkey000000000001";
    private static final String PINNED_KEY = "tvly-teamPINNEDkey0000000000002";
    private static final String PLATFORM_KEY = "tvly-platformKEY00000000000003";
    private static final String SEARCH = "{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"tollgate\"}}";

    private static WireMockServer upstream;
    private static LocalTollgate tollgate;
    private static String base;
    private static String admin;
    private static String ws;

    @BeforeAll
    static void start() throws Exception {
        upstream = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        for (String key : new String[] {DEFAULT_KEY, PINNED_KEY, PLATFORM_KEY}) {
            upstream.stubFor(post(urlPathEqualTo("/search")).withHeader("Authorization", equalTo("Bearer " + key))
                    .willReturn(aResponse().withHeader("Content-Type", "application/json")
                            .withBody("{\"query\":\"tollgate\",\"results\":[{\"title\":\"" + key.substring(5, 15) + "\"}]}")));
        }
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(Map.of(
                "TOLLGATE_UPSTREAM_TAVILY_URL", upstream.baseUrl(),
                "TOLLGATE_PLATFORM_KEY_TAVILY", PLATFORM_KEY)));
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
        var accounts = tollgate.services().accountService();
        Account person = accounts.create(Account.Type.PERSONAL, Plan.PRO, "admin", "test");
        admin = accounts.issueApiKey(person.id(), "k", "test").token();
        ws = call("POST", "/api/v1/workspaces", admin, "{\"name\":\"Research\"}").path("id").asText();
        accounts.update(ws, Plan.TEAM, null, "test");
        accounts.topUp(ws, 10_000_000L, "ws-credits", "test");
    }

    @AfterAll
    static void stop() {
        tollgate.close();
        upstream.stop();
    }

    private static JsonNode call(String method, String path, String token, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private static String addKey(String secret) throws Exception {
        return call("POST", "/api/v1/workspaces/" + ws + "/keys", admin,
                "{\"provider\":\"tavily\",\"api_key\":\"" + secret + "\",\"display_name\":\"k\"}").path("id").asText();
    }

    private static JsonNode billingOf(String agentToken) throws Exception {
        JsonNode reply = call("POST", "/api/v1/execute", agentToken, SEARCH);
        assertFalse(reply.has("error"), reply.toString());
        return reply.path("billing");
    }

    private static int callsWith(String key) {
        return upstream.countRequestsMatching(postRequestedFor(urlPathEqualTo("/search"))
                .withHeader("Authorization", equalTo("Bearer " + key)).build()).getCount();
    }

    @Test
    void agentsUseTheirPinnedKeyThenTheWorkspaceDefaultThenWorkspaceCredits() throws Exception {
        String defaultKey = addKey(DEFAULT_KEY);
        String pinnedKey = addKey(PINNED_KEY);
        JsonNode pinnedAgent = call("POST", "/api/v1/workspaces/" + ws + "/agents", admin,
                "{\"name\":\"pinned\",\"key_bindings\":{\"tavily\":\"" + pinnedKey + "\"}}");
        String unpinned = call("POST", "/api/v1/workspaces/" + ws + "/agents", admin, "{\"name\":\"free-roaming\"}")
                .path("api_key").asText();
        String pinned = pinnedAgent.path("api_key").asText();

        JsonNode first = billingOf(pinned);
        assertEquals("agent", first.path("key_source").asText());
        assertEquals(pinnedKey, first.path("byok_key_id").asText());
        assertEquals(0, first.path("credits_charged").asInt());
        assertEquals(1, callsWith(PINNED_KEY));

        JsonNode second = billingOf(unpinned);
        assertEquals("workspace", second.path("key_source").asText());
        assertEquals(defaultKey, second.path("byok_key_id").asText());
        assertEquals(1, callsWith(DEFAULT_KEY));

        // Force-deleting the pinned key unbinds it: the agent falls back to the workspace default.
        call("DELETE", "/api/v1/workspaces/" + ws + "/keys/" + pinnedKey + "?force=true", admin, null);
        JsonNode third = billingOf(pinned);
        assertEquals("workspace", third.path("key_source").asText());
        assertEquals(2, callsWith(DEFAULT_KEY));

        // No team key left: the workspace's own credits pay, with the platform key.
        call("DELETE", "/api/v1/workspaces/" + ws + "/keys/" + defaultKey, admin, null);
        JsonNode fourth = billingOf(pinned);
        assertEquals("credits", fourth.path("mode").asText());
        assertEquals("platform", fourth.path("key_source").asText());
        assertEquals("1", fourth.path("credits_charged").asText());
        assertEquals("9", fourth.path("credits_remaining").asText());
        assertEquals(1, callsWith(PLATFORM_KEY));
        assertEquals(1 + 2 + 1, upstream.getAllServeEvents().size(), "no call went out with any other key");
    }
}
