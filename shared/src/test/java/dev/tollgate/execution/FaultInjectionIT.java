package dev.tollgate.execution;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tollgate.auth.Acting;
import dev.tollgate.billing.HoldSweeper;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.store.Attr;
import dev.tollgate.testing.DynamoFaults;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.ShardBooks;
import dev.tollgate.testkit.DynamoExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Money at the worst moment (issue 10): credits calls with faults injected at every step boundary — after the
 * reserve, after the provider answered, inside the capture, while the response is written — plus throttling,
 * transaction cancellations and failed conditions, all through an AWS SDK interceptor over real DynamoDB Local
 * ({@link DynamoFaults}, fixed seed, single-threaded so a seed always injects the same faults). Customers retry with
 * their Idempotency-Key as a careful client does. Once the sweeper has run, for every account
 * {@code balance + Σ open holds + Σ captured = Σ top-ups}, no hold is open, no call was charged twice, and no SMS
 * was sent twice under one key. The figures are printed and kept in docs/RELIABILITY.md.
 */
class FaultInjectionIT {
    private static final long SEED = 20_260_416L;
    private static final double FAULT_RATE = 0.12;
    private static final int CALLS = 240;
    private static final int ACCOUNTS = 6;
    private static final long TOP_UP = 20 * Credits.MICROS_PER_CREDIT;
    private static final int ATTEMPTS_PER_ROUND = 6;
    private static final int ROUNDS = 5;
    private static final double RESPONSE_LOST_RATE = 0.05;
    private static final String SID = "AC" + "0123456789abcdef".repeat(2);
    private static final String SMS = "/twilio/2010-04-01/Accounts/" + SID + "/Messages.json";
    private static final String LINKS = "/stripe/v1/payment_links";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    /** One logical call a customer wants done once, retried under one Idempotency-Key. */
    private static final class Call {
        final int index;
        final Acting acting;
        final String tool;
        final String operation;
        final ObjectNode body;
        final boolean upstreamFails;
        final List<String> requestIds = new ArrayList<>();
        String state = "pending";
        String last = "";
        long chargedMicros = -1;

        Call(int index, Acting acting, String tool, String operation, String input, boolean upstreamFails) {
            this.index = index;
            this.acting = acting;
            this.tool = tool;
            this.operation = operation;
            this.upstreamFails = upstreamFails;
            this.body = Json.object().put("tool", tool).put("operation", operation);
            this.body.set("input", ExecutionHarness.parse(input));
        }

        String key() {
            return "call-" + index;
        }

        String marker() {
            return "c" + index + "x";
        }
    }

    private final Map<String, Integer> outcomes = new TreeMap<>();

    @Test
    void faultsAtEveryStepLeaveEveryAccountExactAndNoCallChargedTwice() {
        MutableClock clock = new MutableClock(Instant.now());
        DynamoFaults faults = new DynamoFaults(SEED, FAULT_RATE, DYNAMO.environment().get("HOLDS_TABLE"));
        long started = System.nanoTime();
        long cpuBefore = processCpuMillis();
        try (ExecutionHarness h = ExecutionHarness.withFaults(DYNAMO, 0, clock, faults)) {
            stubProviders(h);
            List<Acting> accounts = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts.add(h.account(Plan.PRO, TOP_UP));
            }
            List<Call> calls = workload(accounts);

            faults.enable(true);
            Random client = new Random(SEED + 2);
            for (int round = 1; round <= ROUNDS; round++) {
                for (Call call : calls) {
                    if (call.state.equals("pending")) {
                        run(h, call, client);
                    }
                }
                // A crashed request's claim blocks its key until the lease runs out: wait it out, as a client would.
                clock.advance(Duration.ofSeconds(121));
            }
            faults.enable(false);
            List<Call> stuck = calls.stream().filter(c -> c.state.equals("pending")).toList();
            assertTrue(stuck.isEmpty(), stuck.size() + " calls never finished, e.g. " + stuck.stream().limit(5)
                    .map(c -> c.key() + " " + c.tool + ": " + c.last).toList() + "; outcomes " + outcomes);

            Map<String, Map<String, Long>> before = books(h, accounts);
            before.forEach((account, b) -> assertEquals(b.get("topups"),
                    b.get("balance") + b.get("open") + b.get("captured"), "conservation before the sweep: " + account));

            clock.advance(Duration.ofMinutes(6));
            HoldSweeper.Result swept = h.services.holdSweeper().sweep(10_000, () -> true);

            Map<String, Map<String, Long>> after = books(h, accounts);
            after.forEach((account, b) -> {
                assertEquals(b.get("topups"), b.get("balance") + b.get("open") + b.get("captured"),
                        "conservation after the sweep: " + account);
                assertEquals(0, b.get("open"), "no hold stays open: " + account);
                assertEquals(0, b.get("held"), "the shard holds nothing: " + account);
                assertEquals(b.get("balance"), b.get("ledger_sum"), "the ledger adds up to the balance: " + account);
                assertEquals(b.get("captured"), b.get("capture_entries"), "captures match the ledger: " + account);
                assertEquals(0, b.get("shards_off"), "every shard is the sum of its entries, none below zero: " + account);
                assertEquals(0, b.get("holds_closed_twice"), "one close per hold: " + account);
            });
            int chargedTwice = checkNoDoubleCharge(h, calls);
            int smsRepeated = checkNoSilentRepeat(h, calls);
            int keysChanged = checkStableProviderKeys(h, calls);
            assertEquals(0, chargedTwice, "calls charged twice");
            assertEquals(0, smsRepeated, "SMS sent twice under one key");
            assertEquals(0, keysChanged, "Stripe retries with another provider key");
            assertTrue(faults.count(DynamoFaults.Kind.CRASH_BEFORE) + faults.count(DynamoFaults.Kind.CRASH_AFTER) > 0);

            report(faults, calls, swept, before, (System.nanoTime() - started) / 1_000_000,
                    processCpuMillis() - cpuBefore);
        }
    }

    private static void stubProviders(ExecutionHarness h) {
        h.vault.setPlatformKey("tavily", "tvly-platPLATplatPLATplat01");
        h.vault.setPlatformKey("stripe", "sk_live_platPLATplatPLATplatPLAT01");
        h.vault.setPlatformKey("twilio", SID + ":platformTOKENplatformTOKEN00001");
        h.vault.setPlatformKey("openai", "sk-platformPLATFORM0123456789");
        String json = "application/json";
        h.wiremock.stubFor(post(urlPathEqualTo("/tavily/search")).atPriority(5).willReturn(aResponse()
                .withHeader("Content-Type", json).withBody("{\"results\":[]}")));
        h.wiremock.stubFor(post(urlPathEqualTo("/tavily/search")).atPriority(1)
                .withRequestBody(containing("upstream-500")).willReturn(aResponse().withStatus(500)));
        h.wiremock.stubFor(post(urlPathEqualTo(LINKS)).willReturn(aResponse()
                .withHeader("Content-Type", json).withBody("{\"id\":\"plink_1\",\"url\":\"https://buy.stripe.com/x\"}")));
        h.wiremock.stubFor(post(urlPathEqualTo(SMS)).atPriority(5).willReturn(aResponse()
                .withHeader("Content-Type", json).withBody("{\"sid\":\"SM1\",\"status\":\"queued\"}")));
        h.wiremock.stubFor(post(urlPathEqualTo(SMS)).atPriority(1).withRequestBody(containing("upstream-reset"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        h.wiremock.stubFor(post(urlPathEqualTo("/openai/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", json).withBody("{\"choices\":[{\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"Hello.\"}}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12}}")));
    }

    /** A fixed mix: searches (run again), payment links (resent with the provider key), SMS (never resent), chats. */
    private static List<Call> workload(List<Acting> accounts) {
        Random mix = new Random(SEED + 1);
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            Acting acting = accounts.get(mix.nextInt(accounts.size()));
            String m = "c" + i + "x";
            boolean fails = mix.nextDouble() < 0.1;
            calls.add(switch (mix.nextInt(4)) {
                case 0 -> new Call(i, acting, "tavily", "search",
                        "{\"query\":\"" + m + (fails ? " upstream-500" : "") + "\"}", fails);
                case 1 -> new Call(i, acting, "stripe", "create_payment_link",
                        "{\"line_items\":[{\"price\":\"price_1\",\"quantity\":1}],\"metadata\":{\"call\":\"" + m + "\"}}",
                        false);
                case 2 -> new Call(i, acting, "twilio", "send_sms",
                        "{\"To\":\"+15005550006\",\"From\":\"+15005550001\",\"Body\":\"" + m + (fails ? "-upstream-reset" : "") + "\"}", fails);
                default -> new Call(i, acting, "openai", "chat_completion",
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + m + "\"}]}", false);
            });
        }
        return calls;
    }

    /** One round of a careful client: retry what may succeed, stop at an answer, wait out a running request. */
    private void run(ExecutionHarness h, Call call, Random client) {
        for (int attempt = 1; attempt <= ATTEMPTS_PER_ROUND; attempt++) {
            String requestId = "req_" + call.marker() + call.requestIds.size();
            call.requestIds.add(requestId);
            try {
                ExecutionOutcome outcome = h.executor.execute(call.acting, new ExecutionRequest(call.tool,
                        call.operation, call.body.get("input"), call.key(), requestId, call.body));
                count(outcome.replayed() ? "200 replayed" : "200");
                if (client.nextDouble() < RESPONSE_LOST_RATE) {
                    count("response lost while written; retried");
                    continue;
                }
                call.chargedMicros = Credits.fromCredits(outcome.body().path("billing").path("credits_charged").decimalValue());
                if (call.chargedMicros == 0) {
                    count("served free (charge not confirmed in time)");
                }
                call.state = "done";
                return;
            } catch (DynamoFaults.Crash crash) {
                count("crashed mid-call");
                call.last = "crash";
            } catch (TollgateException e) {
                count(e.status() + " " + e.code().code());
                call.last = e.code().code() + ": " + e.getMessage();
                switch (e.code()) {
                    case REQUEST_IN_PROGRESS:
                        return;
                    case OUTCOME_UNKNOWN:
                        call.state = "unknown";
                        return;
                    case INSUFFICIENT_CREDITS:
                        call.state = "refused";
                        return;
                    case IDEMPOTENCY_KEY_REUSED, VALIDATION_FAILED:
                        fail("a valid call retried with its own body was refused: " + e.getMessage());
                        return;
                    case UPSTREAM_ERROR:
                        if (call.upstreamFails && e.details().get("provider_may_have_acted") == null) {
                            call.state = "upstream failed";
                            return;
                        }
                        break;
                    default:
                        break;
                }
            } catch (RuntimeException e) {
                fail("an untyped failure escaped the engine: " + e);
            }
        }
    }

    private void count(String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    /** Per account: top-ups, balance, held, open and captured holds, and the ledger's own sums. */
    private static Map<String, Map<String, Long>> books(ExecutionHarness h, List<Acting> accounts) {
        Map<String, List<Map<String, AttributeValue>>> holds = new HashMap<>();
        h.services.dynamo().scanPaginator(b -> b.tableName(DYNAMO.environment().get("HOLDS_TABLE")).consistentRead(true))
                .items().forEach(item -> holds.computeIfAbsent(Attr.str(item, "account_id"), k -> new ArrayList<>())
                        .add(item));
        Map<String, Map<String, Long>> books = new TreeMap<>();
        for (Acting acting : accounts) {
            List<LedgerEntry> entries = entries(h, acting.accountId());
            Map<String, Integer> closes = new HashMap<>();
            entries.stream().filter(e -> e.type() == LedgerEntry.Type.CAPTURE || e.type() == LedgerEntry.Type.RELEASE)
                    .forEach(e -> closes.merge(e.holdId(), 1, Integer::sum));
            Map<String, Long> b = new TreeMap<>();
            var balance = h.services.ledger().balance(acting.accountId());
            List<Map<String, AttributeValue>> mine = holds.getOrDefault(acting.accountId(), List.of());
            b.put("topups", entries.stream().filter(e -> e.type() == LedgerEntry.Type.TOPUP)
                    .mapToLong(LedgerEntry::amount).sum());
            b.put("balance", balance.available());
            b.put("held", balance.held());
            b.put("open", mine.stream().filter(x -> "open".equals(Attr.str(x, "status")))
                    .mapToLong(x -> Attr.num(x, "amount")).sum());
            b.put("captured", mine.stream().filter(x -> "captured".equals(Attr.str(x, "status")))
                    .mapToLong(x -> Attr.num(x, "captured_amount")).sum());
            b.put("holds", (long) mine.size());
            b.put("ledger_sum", entries.stream().mapToLong(LedgerEntry::balanceChange).sum());
            b.put("capture_entries", entries.stream().filter(e -> e.type() == LedgerEntry.Type.CAPTURE)
                    .mapToLong(LedgerEntry::amount).sum());
            b.put("shards_off", (long) ShardBooks.discrepancies(h.services, acting.accountId(), entries).size());
            b.put("holds_closed_twice", closes.values().stream().filter(n -> n > 1).count());
            books.put(acting.accountId(), b);
        }
        return books;
    }

    private static List<LedgerEntry> entries(ExecutionHarness h, String accountId) {
        List<LedgerEntry> all = new ArrayList<>();
        String cursor = null;
        do {
            var page = h.services.ledger().entries(accountId, cursor, 100);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /** Captures per logical call (over all its attempts' request ids): at most one, and what the answer said. */
    private static int checkNoDoubleCharge(ExecutionHarness h, List<Call> calls) {
        Map<String, List<Map<String, AttributeValue>>> capturedByRequest = new HashMap<>();
        h.services.dynamo().scanPaginator(b -> b.tableName(DYNAMO.environment().get("HOLDS_TABLE")).consistentRead(true))
                .items().forEach(item -> {
                    if ("captured".equals(Attr.str(item, "status"))) {
                        capturedByRequest.computeIfAbsent(Attr.str(item, "request_id"), k -> new ArrayList<>()).add(item);
                    }
                });
        int twice = 0;
        for (Call call : calls) {
            List<Map<String, AttributeValue>> captures = call.requestIds.stream()
                    .flatMap(id -> capturedByRequest.getOrDefault(id, List.of()).stream()).toList();
            if (captures.size() > 1) {
                twice++;
            }
            if (call.state.equals("done") && call.chargedMicros > 0) {
                assertEquals(1, captures.size(), "a charged answer has its capture: " + call.key());
                assertEquals(call.chargedMicros, Attr.num(captures.get(0), "captured_amount"), call.key());
            }
            if (!call.state.equals("done")) {
                assertEquals(0, captures.size(), "an unanswered call is not charged: " + call.key() + " " + call.state);
            }
        }
        return twice;
    }

    /** Twilio cannot de-duplicate: one key, at most one SMS. */
    private static int checkNoSilentRepeat(ExecutionHarness h, List<Call> calls) {
        Map<String, Integer> sent = new HashMap<>();
        for (LoggedRequest request : h.wiremock.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlPathEqualTo(SMS)))) {
            for (Call call : calls) {
                if (call.tool.equals("twilio") && request.getBodyAsString().contains("Body=" + call.marker())) {
                    sent.merge(call.key(), 1, Integer::sum);
                }
            }
        }
        return (int) sent.values().stream().filter(n -> n > 1).count();
    }

    /** Stripe de-duplicates: every attempt of one call carries the same provider key. */
    private static int checkStableProviderKeys(ExecutionHarness h, List<Call> calls) {
        Map<String, Set<String>> keys = new HashMap<>();
        for (LoggedRequest request : h.wiremock.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlPathEqualTo(LINKS)))) {
            for (Call call : calls) {
                if (call.tool.equals("stripe") && request.getBodyAsString().contains("=" + call.marker())) {
                    keys.computeIfAbsent(call.key(), k -> new HashSet<>()).add(request.getHeader("Idempotency-Key"));
                }
            }
        }
        return (int) keys.values().stream().filter(set -> set.size() > 1 || set.contains(null)).count();
    }

    private static long processCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    }

    private void report(DynamoFaults faults, List<Call> calls, HoldSweeper.Result swept,
                        Map<String, Map<String, Long>> books, long millis, long cpuMillis) {
        Map<String, Integer> states = new TreeMap<>();
        calls.forEach(c -> states.merge(c.state, 1, Integer::sum));
        Map<DynamoFaults.Kind, Integer> byKind = new EnumMap<>(DynamoFaults.Kind.class);
        for (DynamoFaults.Kind kind : DynamoFaults.Kind.values()) {
            byKind.put(kind, faults.count(kind));
        }
        long holds = books.values().stream().mapToLong(b -> b.get("holds")).sum();
        StringBuilder out = new StringBuilder();
        out.append("== FaultInjectionIT (seed ").append(SEED).append(", fault rate ").append(FAULT_RATE).append(") ==\n");
        out.append("logical calls: ").append(CALLS).append(" over ").append(ACCOUNTS).append(" accounts; final states ")
                .append(states).append('\n');
        out.append("faults injected: ").append(faults.total()).append(" by kind ").append(byKind).append('\n');
        faults.injected().forEach((step, kinds) -> out.append("  at ").append(step).append(": ").append(kinds).append('\n'));
        out.append("attempt outcomes: ").append(outcomes).append('\n');
        out.append("holds: ").append(holds).append(", open after the calls: ").append(swept.found())
                .append(", released by the sweeper: ").append(swept.released()).append('\n');
        out.append("survived: conservation exact on every account, 0 open holds, 0 calls charged twice, "
                + "0 SMS sent twice, 0 changed Stripe keys (").append(millis).append(" ms, process CPU ")
                .append(cpuMillis).append(" ms)\n");
        System.out.print(out);
    }
}
