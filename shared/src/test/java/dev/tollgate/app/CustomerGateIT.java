package dev.tollgate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.tollgate.auth.Acting;
import dev.tollgate.auth.ApiKeyRecord;
import dev.tollgate.auth.ApiKeyTokens;
import dev.tollgate.auth.Caller;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.Role;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gate's one batched read (SPEC §11.4) decides exactly what the separate reads decided: who calls, for which
 * account, with which role, and the same 401/404/403 refusals; revocation and suspension show on the next request.
 */
class CustomerGateIT {
    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static Services services;

    @BeforeAll
    static void wire() {
        services = Services.create(TestServices.config(DYNAMO, Map.of("TOLLGATE_KMS_MODE", "local")));
    }

    private static ApiRequest request(String token, String body, String workspaceHeader) {
        Map<String, String> headers = new HashMap<>();
        headers.put("authorization", "Bearer " + token);
        headers.put("content-type", "application/json");
        if (workspaceHeader != null) {
            headers.put(CustomerGate.WORKSPACE_HEADER.toLowerCase(java.util.Locale.ROOT), workspaceHeader);
        }
        return ApiRequest.from(APIGatewayV2HTTPEvent.builder().withRouteKey("POST /api/v1/execute")
                .withRawPath("/api/v1/execute").withBody(body).withHeaders(headers).build(), "req_gate");
    }

    private static Account person() {
        Account account = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "p", "test");
        services.accountService().topUp(account.id(), 5_000_000, "gate", "test");
        return account;
    }

    @Test
    void aNewTokenEntersWithItsAccountBalanceAndTheProvidersPointersInOneRead() {
        Account account = person();
        String token = services.accountService().issueApiKey(account.id(), "k", "test").token();
        assertEquals(account.id(), ApiKeyTokens.accountOf(token).orElseThrow());
        services.keyRegistry().registerPersonal(account, "test", "tavily", "tvly-gateCUSTOMERkey00000000001", null,
                false);

        Acting acting = services.customerGate().enter(request(token, "{}", null), "tavily");
        assertEquals(account.id(), acting.accountId());
        assertEquals(Role.OWNER, acting.role());
        assertEquals(5_000_000, acting.balanceAtEntry().available());
        assertNotNull(acting.keysAtEntry());
        assertTrue(acting.keysAtEntry().complete());
        assertEquals("tavily", acting.keysAtEntry().active().orElseThrow().key().provider());
        assertNull(services.customerGate().enter(request(token, "{}", null)).keysAtEntry(), "no provider, no pointers");
    }

    @Test
    void revokedAndUnknownTokensAre401AndASuspendedAccountIsRefusedOnTheNextRequest() {
        Account account = person();
        var issued = services.accountService().issueApiKey(account.id(), "k", "test");
        services.accountService().revokeApiKey(issued.record().keyId(), "test");
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(issued.token(), null).code());
        String unknown = ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX, account.id());
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(unknown, null).code());

        String live = services.accountService().issueApiKey(account.id(), "k2", "test").token();
        services.accountService().update(account.id(), null, Account.Status.SUSPENDED, "test");
        assertEquals(ErrorCode.ACCOUNT_SUSPENDED, refusal(live, null).code());
    }

    @Test
    void aStoredKeyOfAnotherAccountThanItsTokenNamesIs401() {
        Account named = person();
        Account other = person();
        String token = ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX, named.id());
        Instant now = Instant.now();
        services.apiKeyStore().create(new ApiKeyRecord(Ids.newId("key", now), ApiKeyTokens.hash(token), other.id(),
                Caller.PrincipalType.PERSON, other.id(), "crossed", ApiKeyTokens.hint(token), now, null, null));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(token, null).code());
    }

    @Test
    void aWorkspaceIsEnteredByItsMembersOnlyAndItsAgentsTokenNamesIt() {
        Account admin = person();
        String adminToken = services.accountService().issueApiKey(admin.id(), "k", "test").token();
        Acting personal = services.customerGate().enter(request(adminToken, "{}", null));
        var workspace = services.workspaceService().create(personal, "team").workspace();

        Acting inWorkspace = services.customerGate().enter(request(adminToken, "{}", workspace.id()), "tavily");
        assertEquals(workspace.id(), inWorkspace.accountId());
        assertEquals(Role.ADMIN, inWorkspace.role());
        assertEquals(workspace.id(), inWorkspace.keysAtEntry().accountId());

        Account stranger = person();
        String strangerToken = services.accountService().issueApiKey(stranger.id(), "k", "test").token();
        assertEquals(ErrorCode.NOT_FOUND, refusal(strangerToken, workspace.id()).code());

        var agent = services.workspaceService().createAgent(inWorkspace, "bot", Map.of());
        String agentToken = agent.apiKey().token();
        assertEquals(workspace.id(), ApiKeyTokens.accountOf(agentToken).orElseThrow());
        Acting asAgent = services.customerGate().enter(request(agentToken, "{}", null), "tavily");
        assertEquals(workspace.id(), asAgent.accountId());
        assertEquals(Role.AGENT, asAgent.role());
        assertEquals(ErrorCode.NOT_FOUND, refusal(agentToken, admin.id()).code());
    }

    @Test
    void aFirstFormatTokenStillEnters() {
        Account account = person();
        String token = ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX);
        Instant now = Instant.now();
        services.apiKeyStore().create(new ApiKeyRecord(Ids.newId("key", now), ApiKeyTokens.hash(token), account.id(),
                Caller.PrincipalType.PERSON, account.id(), "old", ApiKeyTokens.hint(token), now, null, null));
        Acting acting = services.customerGate().enter(request(token, "{}", null), "tavily");
        assertEquals(account.id(), acting.accountId());
        assertNull(acting.keysAtEntry(), "the old path reads no pointers; execution reads the key itself");
    }

    private static TollgateException refusal(String token, String workspaceHeader) {
        return assertThrows(TollgateException.class,
                () -> services.customerGate().enter(request(token, "{}", workspaceHeader), "tavily"));
    }
}
