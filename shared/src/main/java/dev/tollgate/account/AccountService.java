package dev.tollgate.account;

import dev.tollgate.audit.AuditTrail;
import dev.tollgate.auth.ApiKeyRecord;
import dev.tollgate.auth.ApiKeyStore;
import dev.tollgate.auth.ApiKeyTokens;
import dev.tollgate.auth.Caller;
import dev.tollgate.billing.Balance;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.TopUpResult;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Accounts, their API keys and their credits, as the operator API and the customer routes need them. */
public final class AccountService {
    private static final Log LOG = Log.get(AccountService.class);

    private final AccountStore accounts;
    private final ApiKeyStore apiKeys;
    private final CreditLedger ledger;
    private final AuditTrail audit;
    private final Clock clock;
    private final String tokenPrefix;
    private final int balanceShards;

    public AccountService(AccountStore accounts, ApiKeyStore apiKeys, CreditLedger ledger, AuditTrail audit,
                          Clock clock, String tokenPrefix, int balanceShards) {
        this.accounts = accounts;
        this.apiKeys = apiKeys;
        this.ledger = ledger;
        this.audit = audit;
        this.clock = clock;
        this.tokenPrefix = tokenPrefix;
        this.balanceShards = balanceShards;
    }

    public Account create(Account.Type type, Plan plan, String name, String actor) {
        Account account = new Account(Ids.newId(Account.idPrefix(type)), type, plan, Account.Status.ACTIVE, name,
                clock.instant());
        accounts.create(account, balanceShards);
        audit.record(account.id(), actor, "account.created", account.id(), Map.of("plan", plan.wire(), "type", type.wire()));
        LOG.info("account created", "account_id", account.id(), "plan", plan.wire());
        return account;
    }

    public Account require(String accountId) {
        if (accountId == null || !(Ids.looksLike(accountId, "acct") || Ids.looksLike(accountId, "ws"))) {
            throw TollgateException.notFound("Account");
        }
        return accounts.find(accountId).orElseThrow(() -> TollgateException.notFound("Account"));
    }

    /** The account a customer request acts for, refusing suspended accounts on every customer route. */
    public Account requireActive(String accountId) {
        Account account = require(accountId);
        refuseSuspended(account);
        return account;
    }

    /** Customer routes refuse suspended accounts, whichever read found them. */
    public static void refuseSuspended(Account account) {
        if (account.status() == Account.Status.SUSPENDED) {
            throw new TollgateException(ErrorCode.ACCOUNT_SUSPENDED,
                    "This account is suspended; contact support to restore access");
        }
    }

    /** {@link #requireActive} plus the balance, in one DynamoDB read when possible (the customer hot path). */
    public AccountStore.AccountWithBalance requireActiveWithBalance(String accountId) {
        if (accountId != null && (Ids.looksLike(accountId, "acct") || Ids.looksLike(accountId, "ws"))) {
            var both = accounts.findWithBalance(accountId, balanceShards);
            if (both.isPresent()) {
                refuseSuspended(both.get().account());
                return both.get();
            }
        }
        Account account = requireActive(accountId);
        return new AccountStore.AccountWithBalance(account, ledger.balance(accountId));
    }

    public Balance balance(String accountId) {
        return ledger.balance(accountId);
    }

    public Account update(String accountId, Plan plan, Account.Status status, String actor) {
        Account before = require(accountId);
        Account after = before;
        if (plan != null) {
            after = after.withPlan(plan);
        }
        if (status != null) {
            after = after.withStatus(status);
        }
        if (after.equals(before)) {
            return before;
        }
        accounts.update(after);
        if (after.plan() != before.plan()) {
            audit.record(accountId, actor, "plan.changed", accountId,
                    Map.of("from", before.plan().wire(), "to", after.plan().wire()));
        }
        if (after.status() != before.status()) {
            audit.record(accountId, actor, "status.changed", accountId,
                    Map.of("from", before.status().wire(), "to", after.status().wire()));
        }
        return after;
    }

    public IssuedApiKey issueApiKey(String accountId, String name, String actor) {
        Account account = require(accountId);
        if (account.type() != Account.Type.PERSONAL) {
            throw new TollgateException(ErrorCode.VALIDATION_FAILED,
                    "API keys belong to people or agents: issue one to a member's personal account, "
                            + "or create an agent in the workspace", Map.of("pointer", "/account_id"));
        }
        return issue(accountId, Caller.PrincipalType.PERSON, accountId, name, actor);
    }

    /** Issues a key for any principal; agents get theirs through the workspace service. */
    public IssuedApiKey issue(String accountId, Caller.PrincipalType type, String principalId, String name, String actor) {
        String token = ApiKeyTokens.generate(tokenPrefix, accountId);
        Instant now = clock.instant();
        ApiKeyRecord record = new ApiKeyRecord(Ids.newId("key", now), ApiKeyTokens.hash(token), accountId, type,
                principalId, name, ApiKeyTokens.hint(token), now, null, null);
        apiKeys.create(record);
        audit.record(accountId, actor, "api_key.created", record.keyId(), Map.of("name", name));
        return new IssuedApiKey(record, token);
    }

    public List<ApiKeyRecord> apiKeys(String accountId) {
        require(accountId);
        return apiKeys.listByAccount(accountId);
    }

    public void revokeApiKey(String keyId, String actor) {
        ApiKeyRecord record = (Ids.looksLike(keyId, "key") ? apiKeys.findById(keyId) : java.util.Optional.<ApiKeyRecord>empty())
                .orElseThrow(() -> TollgateException.notFound("API key"));
        if (apiKeys.revoke(keyId, clock.instant())) {
            audit.record(record.accountId(), actor, "api_key.revoked", keyId, Map.of());
        }
    }

    public TopUpResult topUp(String accountId, long micros, String reference, String actor) {
        require(accountId);
        TopUpResult result = ledger.topUp(accountId, micros, reference, actor);
        if (!result.replayed()) {
            audit.record(accountId, actor, "credits.topped_up", result.ledgerEntryId(),
                    Map.of("credits", Credits.toCredits(micros).toPlainString(), "reference", reference));
        }
        return result;
    }

    public TopUpResult adjust(String accountId, long signedMicros, String reason, String reference, String actor) {
        require(accountId);
        TopUpResult result = ledger.adjust(accountId, signedMicros, reason, reference, actor);
        if (!result.replayed()) {
            audit.record(accountId, actor, "credits.adjusted", result.ledgerEntryId(),
                    Map.of("credits", Credits.toCredits(signedMicros).toPlainString(), "reason", reason));
        }
        return result;
    }
}
