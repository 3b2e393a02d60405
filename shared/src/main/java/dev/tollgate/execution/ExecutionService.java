package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.billing.AtomicWriter;
import dev.tollgate.billing.Balance;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.Hold;
import dev.tollgate.billing.IdempotencyStore;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.billing.UsageStore;
import dev.tollgate.catalog.AuthStyle;
import dev.tollgate.catalog.Charge;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.catalog.Quote;
import dev.tollgate.catalog.ToolDirectory;
import dev.tollgate.catalog.Usage;
import dev.tollgate.catalog.Verify;
import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.PayerResolver.Mode;
import dev.tollgate.execution.PayerResolver.Payer;
import dev.tollgate.json.Json;
import dev.tollgate.log.Log;
import dev.tollgate.log.RequestMetrics;
import dev.tollgate.paging.Page;
import dev.tollgate.vault.KeyVault;
import dev.tollgate.vault.ProviderKey;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The execution engine (SPEC 7): one call of a catalog operation, paid by the customer's own key (BYOK, 0 credits),
 * by credits with the platform key, or free — decided per call, never silently switched.
 *
 * <p>Order of work, so that no money moves for a request that cannot succeed: the tool and operation must exist;
 * the input must satisfy the operation's schema; an Idempotency-Key that was seen before is answered from its
 * record; the mode is resolved (SPEC 7.1) ({@link PayerResolver}); the key is claimed and, in credits mode, the price
 * quoted and held, in one transaction ({@link CallClaim}); the provider is called ({@link ProviderCall}) and its
 * answer rendered ({@link ResultRendering}); then the hold is settled ({@link HoldSettler}: capture with the usage
 * record and the stored response, one transaction) or, on any failure, released (with the failure's usage record
 * and the idempotency claim's removal or {@code outcome_unknown} mark, one transaction).
 *
 * <p>Charging: credits mode charges min(price of the reported usage, hold). Output is capped in the forwarded
 * request so the output part cannot exceed the hold; only an input-token estimate below the real count can make
 * the price exceed it, and that excess is not charged — it is recorded as {@code uncharged} in the usage record and
 * logged, so pricing heuristics can be tuned from real data. A balance below the full hold of a token-priced call
 * holds what the balance affords and lowers the output cap to match, down to the operation's
 * {@code min_output_tokens}; below that the call is refused with 402.
 *
 * <p>Idempotency rule for failures: a failed call releases its hold and deletes its idempotency record, so a retry
 * with the same key and body runs again (nothing was charged, so there is nothing to replay) — except when the
 * provider was sent the request and did not answer and the operation has side effects: then the record is kept as
 * {@code outcome_unknown}, and a retry either resends with the same derived provider idempotency key (providers that
 * de-duplicate, {@link ProviderIdempotencyKeys}) or gets 409 outcome_unknown. A crashed request's claim is treated
 * the same way once its lease (120 s) runs out. Successful responses are stored and replayed.
 */
public final class ExecutionService implements ToolExecutor {
    private static final Log LOG = Log.get(ExecutionService.class);
    public static final int MAX_IDEMPOTENCY_KEY = 255;
    public static final int MAX_TOOLS_PAGE = 100;
    /** A listing must not hold up {@code GET /v1/models} for long when the customer's server is slow or down. */
    private static final Duration INVENTORY_TIMEOUT = Duration.ofSeconds(3);

    /** Durations from configuration; the hold TTL must outlive the function timeout (29 s). */
    public record Settings(Duration holdTtl, Duration idempotencyRetention, Duration idempotencyLease) {
        public static Settings from(Config config) {
            return new Settings(Duration.ofSeconds(config.getLong("TOLLGATE_HOLD_TTL_SECONDS", 300)),
                    Duration.ofHours(24), Duration.ofSeconds(config.getLong("TOLLGATE_IDEMPOTENCY_LEASE_SECONDS", 120)));
        }
    }

    private final ToolDirectory directory;
    private final FederatedCall federated;
    private final KeyVault vault;
    private final CreditLedger ledger;
    private final Upstream upstream;
    private final InputValidator validator;
    private final Clock clock;
    // The stages, in the order a call goes through them: who pays, claim (+ hold), call, settle or release.
    private final PayerResolver payers;
    private final IdempotencyClaims claims;
    private final CallClaim claimStage;
    private final ProviderCall providerCall;
    private final HoldSettler settler;
    private final Receipts receipts;

    /** The catalog's HTTP providers only (no federated MCP servers). */
    public ExecutionService(ProviderCatalog catalog, KeyVault vault, CreditLedger ledger, IdempotencyStore idempotency,
                            UsageStore usage, AtomicWriter writer, Upstream upstream, AgentKeyBindings agents,
                            Clock clock, Settings settings) {
        this(ToolDirectory.of(catalog), FederatedCall.NONE, vault, ledger, idempotency, usage, writer, upstream, agents,
                clock, settings);
    }

    /**
     * @param directory the catalog and the federated MCP servers' tools
     * @param federated the upstream call for tools of federated MCP servers
     */
    public ExecutionService(ToolDirectory directory, FederatedCall federated, KeyVault vault, CreditLedger ledger,
                            IdempotencyStore idempotency, UsageStore usage, AtomicWriter writer, Upstream upstream,
                            AgentKeyBindings agents, Clock clock, Settings settings) {
        this.directory = directory;
        this.federated = federated;
        this.vault = vault;
        this.ledger = ledger;
        this.upstream = upstream;
        this.validator = new InputValidator();
        this.clock = clock;
        this.payers = new PayerResolver(vault, agents);
        this.claims = new IdempotencyClaims(idempotency, clock, settings);
        this.claimStage = new CallClaim(ledger, idempotency, claims, settings.holdTtl());
        this.providerCall = new ProviderCall(vault, upstream, federated);
        this.receipts = new Receipts(usage);
        this.settler = new HoldSettler(ledger, idempotency, usage, writer, claims, receipts);
    }

    /** Loads and compiles what the first request would (schemas, adapter, JSON), without any I/O. */
    public void warmUp() {
        // The catalog's own operations only: priming must not reach out to federated MCP servers.
        validator.compileAll(directory.catalog().operations());
        StoredResponses.decode(StoredResponses.encode(Json.object()).bytes(), false);
        Fingerprints.of(Json.object());
        federated.warmUp();
    }

    @Override
    public ExecutionOutcome execute(Acting acting, ExecutionRequest request) {
        return execute(acting, request, null);
    }

    @Override
    public ExecutionOutcome executeStreaming(Acting acting, ExecutionRequest request, StreamingCall streaming) {
        return execute(acting, request, Objects.requireNonNull(streaming, "streaming"));
    }

    private ExecutionOutcome execute(Acting acting, ExecutionRequest request, StreamingCall streaming) {
        Operation operation = directory.operation(request.tool(), request.operation()).orElse(null);
        if (operation == null) {
            RequestMetrics.current().call("unknown", "none", ErrorCode.UNKNOWN_TOOL.code(), 0, -1);
            throw unknownTool(request);
        }
        Provider provider = directory.provider(operation.tool()).orElseThrow();
        String requestId = request.requestId() != null ? request.requestId() : Ids.newId("req");
        CallAttempt a = new CallAttempt(acting, request, provider, operation, requestId, clock.instant());
        a.streaming = streaming;
        try {
            ExecutionOutcome outcome = run(a);
            report(a, outcome.replayed() ? "replayed" : "ok");
            return outcome;
        } catch (TollgateException e) {
            if (!a.recorded) {
                receipts.recordQuietly(Receipts.failureRecord(a, e));
            }
            report(a, e.code().code());
            throw e;
        } catch (RuntimeException e) {
            LOG.error("execution failed", e, "account_id", a.accountId(), "tool", a.operation.toolName());
            if (!a.recorded) {
                receipts.recordQuietly(Receipts.failureRecord(a, e));
            }
            report(a, ErrorCode.INTERNAL_ERROR.code());
            throw internalError(a);
        }
    }

    /** A bug's 500, saying "nothing was charged" only when the ledger shows that: no hold, or its release committed. */
    private static TollgateException internalError(CallAttempt a) {
        String charged = a.holdId == null || a.released ? "nothing was charged"
                : "if this call was charged, GET /api/v1/ledger shows it under this request id";
        return new TollgateException(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; " + charged
                + ". A retry with the same Idempotency-Key is never charged twice");
    }

    /** The call's line in the request's metrics (calls by tool, mode and outcome; credits; upstream latency). */
    private static void report(CallAttempt a, String outcome) {
        RequestMetrics.current().call(a.provider.id(), a.payer == null ? "none" : a.payer.mode().wire(),
                outcome, a.chargedMicros, a.upstreamCalled ? a.upstreamMs : -1);
    }

    private ExecutionOutcome run(CallAttempt a) {
        String key = a.idempotencyKey();
        if (key != null && !isValidIdempotencyKey(key)) {
            a.recorded = true;
            throw new TollgateException(ErrorCode.VALIDATION_FAILED,
                    "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY + " printable ASCII characters",
                    Map.of("pointer", "/headers/Idempotency-Key"));
        }
        validator.validate(a.operation, a.request.input());
        ObjectNode input = a.operation.withDefaults((ObjectNode) a.request.input());

        String fingerprint = null;
        if (key != null) {
            fingerprint = Fingerprints.of(a.request.body() != null ? a.request.body() : a.request.input());
            ExecutionOutcome replay = claims.answerIfSeen(a, fingerprint);
            if (replay != null) {
                return replay;
            }
        }

        a.payer = payers.payerOrThrow(a.acting, a.provider, a.operation);
        if (a.payer.mode() == Mode.CREDITS) {
            return runWithHold(a, input, fingerprint);
        }
        return runWithoutHold(a, input, fingerprint);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Unknown tools
    // ------------------------------------------------------------------------------------------------------------

    private static TollgateException unknownTool(ExecutionRequest request) {
        return new TollgateException(ErrorCode.UNKNOWN_TOOL, "There is no operation '" + shorten(request.operation())
                + "' of tool '" + shorten(request.tool()) + "'; GET /api/v1/tools lists them");
    }


    // ------------------------------------------------------------------------------------------------------------
    // Calls without a hold: BYOK and free (and a zero-price quote)
    // ------------------------------------------------------------------------------------------------------------

    private ExecutionOutcome runWithoutHold(CallAttempt a, ObjectNode input, String fingerprint) {
        CallClaim.Taken taken = claimStage.claim(a, fingerprint);
        if (taken.lostTo() != null) {
            return taken.lostTo();
        }
        boolean claimed = taken.claim() != null;
        boolean done = false;
        RuntimeException failure = null;
        try {
            ProviderCall.Called called = providerCall.call(a, input);
            Usage used = a.operation.pricing().usage(input, called.priced());
            // Nothing moved the balance: the one read on entry answers credits_remaining without another round trip.
            Balance atEntry = a.acting.balanceAtEntry();
            long available = atEntry != null ? atEntry.available() : ledger.balance(a.accountId()).available();
            ObjectNode body = Receipts.successBody(a, called.result(), 0, available, used);
            settler.settleWithoutHold(a, Receipts.okRecord(a, used, 0, 0), body, claimed);
            done = true;
            return new ExecutionOutcome(200, body, false);
        } catch (RuntimeException e) {
            failure = e;
            throw IdempotencyClaims.withRetryAdvice(a, e);
        } finally {
            if (!done && claimed) {
                settler.releaseClaim(a, failure);
            }
        }
    }


    // ------------------------------------------------------------------------------------------------------------
    // Credits mode (SPEC 7.2)
    // ------------------------------------------------------------------------------------------------------------

    private ExecutionOutcome runWithHold(CallAttempt a, ObjectNode input, String fingerprint) {
        Quote quote = a.operation.pricing().quote(input);
        a.model = quote.model().orElse(null);
        // Applied once before anything is reserved, so an input the cap cannot be written into fails for free.
        ObjectNode fullCap = quote.outputCap().map(cap -> cap.applyTo(input)).orElse(input);
        if (quote.holdMicros() == 0) {
            return runWithoutHold(a, fullCap, fingerprint);
        }
        CallClaim.Taken taken = claimStage.claimAndHold(a, quote, fingerprint);
        if (taken.lostTo() != null) {
            return taken.lostTo();
        }
        Hold hold = taken.hold();
        boolean claimed = taken.claim() != null;
        boolean open = true;
        try {
            // A balance below the full hold lowers the output cap to what the hold covers (never the caller's limit up).
            ObjectNode sent = hold.amount() == quote.holdMicros() ? fullCap
                    : quote.outputCapWithin(hold.amount()).orElseThrow().applyTo(input);
            a.outputCap = quote.outputCapWithin(hold.amount()).orElse(null);
            a.outputCapSetBy = quote.outputCapSetBy(hold.amount()).orElse(null);
            ProviderCall.Called called = providerCall.call(a, sent);
            Charge charge = a.operation.pricing().charge(sent, called.priced());
            long charged = Math.min(charge.micros(), hold.amount());
            if (charge.micros() > charged) {
                LOG.warn("reported usage cost more than the hold; the excess is not charged", "account_id",
                        a.accountId(), "tool", a.operation.toolName(), "hold_micros", hold.amount(),
                        "price_micros", charge.micros());
            }
            Usage used = charge.usage().equals(Usage.NONE) ? a.operation.pricing().usage(sent, called.priced())
                    : charge.usage();
            open = false;
            ObjectNode body = settler.settle(hold, charged, charge.micros(), new HoldSettler.Receipt() {
                @Override
                public UsageRecord usage(long chargedMicros, long unchargedMicros) {
                    return Receipts.okRecord(a, used, chargedMicros, unchargedMicros);
                }

                @Override
                public ObjectNode body(long chargedMicros, long availableAfter) {
                    a.chargedMicros = chargedMicros; // the last body rendered is the answer: what was charged
                    return Receipts.successBody(a, called.result(), chargedMicros, availableAfter, used);
                }
            }, claimed ? HoldSettler.Claimed.by(a) : null);
            a.recorded = true;
            return new ExecutionOutcome(200, body, false);
        } catch (RuntimeException e) {
            if (open) {
                settler.release(a, hold, claimed, e);
                open = false;
            } else {
                a.recorded = true;
            }
            throw IdempotencyClaims.withRetryAdvice(a, e);
        } finally {
            if (open) {
                settler.releaseQuietly(hold, "aborted", List.of());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The customer's own server (Ollama): what it has installed
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public Optional<JsonNode> ownServerInventory(Acting acting, String providerId) {
        Provider provider = directory.provider(providerId).orElse(null);
        if (provider == null || provider.auth().kind() != AuthStyle.Kind.BASE_URL
                || provider.verify().isEmpty() || !acting.account().plan().allowsByok()) {
            return Optional.empty();
        }
        Optional<ProviderKey> key = payers.forCall(acting).byokPayer(provider).map(Payer::key);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        Verify verify = provider.verify().get();
        try {
            return vault.useSecret(key.get(), secret -> {
                UpstreamRequest request = new UpstreamRequest(verify.method(), URI.create(
                        CatalogAdapter.customerBaseUrl(secret.reveal()) + verify.path().expand(Map.of())),
                        List.of(Map.entry("Accept", "application/json")), null, INVENTORY_TIMEOUT, true);
                UpstreamResponse response = upstream.send(request);
                if (!response.isSuccess()) {
                    return Optional.<JsonNode>empty();
                }
                try {
                    return Optional.ofNullable(Json.MAPPER.readTree(response.body()));
                } catch (IOException notJson) {
                    return Optional.<JsonNode>empty();
                }
            });
        } catch (TollgateException unreachable) {
            LOG.info("own server did not answer its inventory call", "provider", providerId, "code",
                    unreachable.code().code());
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Tool listing (SPEC 7.5)
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public Page<ToolView> tools(Acting acting, String cursor, int limit) {
        if (limit < 1 || limit > MAX_TOOLS_PAGE) {
            throw TollgateException.validation("/limit", "limit must be between 1 and " + MAX_TOOLS_PAGE);
        }
        List<Operation> operations = directory.operations();
        int start = cursor == null ? 0 : decodeToolCursor(cursor, operations);
        PayerResolver.KeyLookup keys = payers.forListing(acting);
        List<ToolView> page = new ArrayList<>();
        int end = Math.min(operations.size(), start + limit);
        for (int i = start; i < end; i++) {
            Operation op = operations.get(i);
            Provider provider = directory.provider(op.tool()).orElseThrow();
            PayerResolver.Verdict verdict = payers.decide(acting, provider, op, keys);
            String mode = verdict.refusal() == null ? verdict.payer().mode().wire() : "unavailable";
            String reason = verdict.refusal() == null ? null : verdict.refusal().code();
            page.add(new ToolView(op.toolName(), op.tool(), op.id(), op.description(), op.inputSchema(),
                    op.pricing().describe(), mode, reason));
        }
        String next = end < operations.size() ? encodeToolCursor(operations.get(end).toolName()) : null;
        return new Page<>(page, next);
    }

    static String encodeToolCursor(String toolName) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("t:" + toolName).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeToolCursor(String cursor, List<Operation> operations) {
        try {
            String value = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (value.startsWith("t:")) {
                String name = value.substring(2);
                for (int i = 0; i < operations.size(); i++) {
                    if (operations.get(i).toolName().equals(name)) {
                        return i;
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw new TollgateException(ErrorCode.INVALID_CURSOR, "cursor is not one this endpoint returned");
    }

    /**
     * SPEC 7.3: an idempotency key — a header, an MCP {@code _meta} value, an A2A messageId, an OpenAI tool call id —
     * is 1 to 255 printable ASCII characters.
     */
    public static boolean isValidIdempotencyKey(String key) {
        return key != null && !key.isEmpty() && key.length() <= MAX_IDEMPOTENCY_KEY && printableAscii(key);
    }

    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** A caller-supplied name made safe to echo in a message or a log: known characters only, at most 64. */
    public static String shorten(String s) {
        if (s == null) {
            return "";
        }
        String clean = s.replaceAll("[^A-Za-z0-9_./-]", "?");
        return clean.length() <= 64 ? clean : clean.substring(0, 64) + "…";
    }
}
