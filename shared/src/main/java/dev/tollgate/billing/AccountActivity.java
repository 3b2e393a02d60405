package dev.tollgate.billing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.RunIds;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.paging.Cursors;
import dev.tollgate.paging.Page;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What an account did with its credits and calls (SPEC 8.2–8.6): the ledger, newest first, and usage totals over a
 * time range grouped by provider, operation, day, mode, key, agent or run, and the run history (calls grouped by agent
 * and caller-supplied run id). BYOK and free calls appear in usage with 0 credits.
 */
public final class AccountActivity {
    /** Longest usage range accepted: usage records are kept about this long. */
    static final Duration MAX_RANGE = Duration.ofDays(400);
    static final Duration DEFAULT_RANGE = Duration.ofDays(30);
    /** Usage records aggregated per request at most; beyond, the answer says {@code truncated}. */
    static final long MAX_RECORDS = 100_000;
    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final CreditLedger ledger;
    private final UsageStore usage;
    private final Clock clock;

    public AccountActivity(CreditLedger ledger, UsageStore usage, Clock clock) {
        this.ledger = ledger;
        this.usage = usage;
        this.clock = clock;
    }

    /** {@code GET /api/v1/ledger}: {@code {"data": [...], "next_cursor": ...}} (the shape of every list endpoint). */
    public ObjectNode ledger(String accountId, String cursor, int limit) {
        Page<LedgerEntry> page = ledger.entries(accountId, cursor, limit);
        ObjectNode out = Json.object();
        ArrayNode entries = out.putArray("data");
        for (LedgerEntry e : page.items()) {
            ObjectNode o = entries.addObject();
            o.put("id", e.entryId());
            o.put("type", e.type().wire());
            o.put("amount", Credits.toCredits(e.amount()));
            o.put("balance_change", Credits.toCredits(e.balanceChange()));
            o.put("shard", e.shard());
            o.put("hold_id", e.holdId());
            o.put("request_id", e.requestId());
            o.put("reference", e.reference());
            o.put("reason", e.reason());
            o.put("created_at", e.createdAt() == null ? null : e.createdAt().toString());
        }
        out.put("next_cursor", page.nextCursor());
        return out;
    }

    /** A time range of usage, [from, to). */
    private record Range(Instant from, Instant to) {
    }

    private Range range(String fromParam, String toParam) {
        Instant to = toParam == null ? clock.instant() : parseTime(toParam, "to", true);
        Instant from = fromParam == null ? to.minus(DEFAULT_RANGE) : parseTime(fromParam, "from", false);
        if (!from.isBefore(to)) {
            throw TollgateException.validation("/from", "'from' must be before 'to'");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw TollgateException.validation("/from", "the range may be at most " + MAX_RANGE.toDays() + " days");
        }
        return new Range(from, to);
    }

    /** {@code GET /api/v1/usage?from=&to=&group_by=}. */
    public ObjectNode usage(String accountId, String fromParam, String toParam, String groupByParam) {
        Range range = range(fromParam, toParam);
        Instant from = range.from();
        Instant to = range.to();
        String groupBy = groupByParam == null ? "provider" : groupByParam.toLowerCase(Locale.ROOT);
        Function<UsageRecord, String> keyOf = switch (groupBy) {
            case "provider" -> UsageRecord::provider;
            case "operation" -> r -> r.provider() + "_" + r.operation();
            case "day" -> r -> r.at().atZone(ZoneOffset.UTC).toLocalDate().toString();
            case "mode" -> UsageRecord::mode;
            case "key" -> r -> r.byokKeyId() != null ? r.byokKeyId() : (r.keySource() != null ? r.keySource() : "none");
            case "agent" -> r -> r.agentId() != null ? r.agentId() : "none";
            case "run" -> r -> r.runId() != null ? r.runId() : "none";
            default -> throw TollgateException.validation("/group_by",
                    "group_by must be one of provider, operation, day, mode, key, agent, run");
        };
        Map<String, Totals> groups = new TreeMap<>();
        Totals all = new Totals();
        long seen = usage.scan(accountId, from, to, MAX_RECORDS, r -> {
            groups.computeIfAbsent(keyOf.apply(r), k -> new Totals()).add(r);
            all.add(r);
        });
        ObjectNode out = Json.object();
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("group_by", groupBy);
        ArrayNode list = out.putArray("groups");
        groups.forEach((key, totals) -> {
            ObjectNode g = list.addObject();
            g.put("key", key);
            totals.writeTo(g);
        });
        all.writeTo(out.putObject("totals"));
        out.put("truncated", seen > MAX_RECORDS);
        return out;
    }

    /**
     * {@code GET /api/v1/runs?from=&to=&agent=&cursor=&limit=}: the calls of the range grouped by agent and run id
     * (calls with neither are not part of any run), most recently active first, with calls, tokens, credits and
     * calls per mode. The cursor is the last run of the page (its last activity and key), so a page is stable while
     * older runs are listed even if newer calls arrive.
     */
    public ObjectNode runs(String accountId, String fromParam, String toParam, String agentFilter, String cursor,
                           int limit) {
        Range range = range(fromParam, toParam);
        RunPosition after = cursor == null ? null : RunPosition.decode(cursor);
        Map<RunKey, RunTotals> runs = new HashMap<>();
        long seen = usage.scan(accountId, range.from(), range.to(), MAX_RECORDS, r -> {
            if ((r.runId() == null && r.agentId() == null) || (agentFilter != null && !agentFilter.equals(r.agentId()))) {
                return;
            }
            runs.computeIfAbsent(new RunKey(r.agentId(), r.runId()), k -> new RunTotals()).add(r);
        });
        List<Map.Entry<RunKey, RunTotals>> ordered = new ArrayList<>(runs.entrySet());
        ordered.sort(RUN_ORDER);
        ObjectNode out = Json.object();
        ArrayNode data = out.putArray("data");
        Map.Entry<RunKey, RunTotals> last = null;
        boolean more = false;
        for (Map.Entry<RunKey, RunTotals> run : ordered) {
            if (after != null && !after.isBefore(run)) {
                continue;
            }
            if (data.size() == limit) {
                more = true;
                break;
            }
            ObjectNode o = data.addObject();
            o.put("run_id", run.getKey().runId());
            o.put("agent_id", run.getKey().agentId());
            run.getValue().writeTo(o);
            last = run;
        }
        out.put("next_cursor", more ? RunPosition.of(last).encode() : null);
        out.put("truncated", seen > MAX_RECORDS);
        return out;
    }

    /** {@code GET /api/v1/runs/{run_id}}: the calls of one run, oldest first; an unknown run is 404. */
    public ObjectNode runCalls(String accountId, String runId, String cursor, int limit) {
        if (!RunIds.isValid(runId)) {
            throw TollgateException.notFound("Run");
        }
        Page<UsageRecord> page = usage.runCalls(accountId, runId, cursor, limit);
        if (page.items().isEmpty() && cursor == null) {
            throw TollgateException.notFound("Run");
        }
        ObjectNode out = Json.object();
        out.put("run_id", runId);
        ArrayNode data = out.putArray("data");
        for (UsageRecord r : page.items()) {
            ObjectNode o = data.addObject();
            o.put("id", r.usageId());
            o.put("request_id", r.requestId());
            o.put("at", r.at().toString());
            o.put("agent_id", r.agentId());
            o.put("provider", r.provider());
            o.put("operation", r.operation());
            o.put("model", r.model());
            o.put("mode", r.mode());
            o.put("key_source", r.keySource());
            o.put("status", r.status());
            o.put("http_status", r.httpStatus());
            o.put("error_code", r.errorCode());
            o.put("input_tokens", r.inputTokens());
            o.put("output_tokens", r.outputTokens());
            o.put("characters", r.characters());
            o.put("credits", Credits.toCredits(r.creditsMicros()));
            o.put("latency_ms", r.latencyMs());
        }
        out.put("next_cursor", page.nextCursor());
        return out;
    }

    private record RunKey(String agentId, String runId) {
        String sortKey() {
            return (agentId == null ? "" : agentId) + "\n" + (runId == null ? "" : runId);
        }
    }

    /** Newest last activity first; ties by agent then run id, so the order is total. */
    private static final Comparator<Map.Entry<RunKey, RunTotals>> RUN_ORDER = Comparator
            .comparing((Map.Entry<RunKey, RunTotals> e) -> e.getValue().last, Comparator.reverseOrder())
            .thenComparing(e -> e.getKey().sortKey());

    /** Where a page of runs ended: the last run's last activity and key. */
    private record RunPosition(Instant last, String sortKey) {
        static RunPosition of(Map.Entry<RunKey, RunTotals> run) {
            return new RunPosition(run.getValue().last, run.getKey().sortKey());
        }

        /** True when this position comes before {@code run} in {@link #RUN_ORDER}. */
        boolean isBefore(Map.Entry<RunKey, RunTotals> run) {
            int byTime = run.getValue().last.compareTo(last);
            return byTime < 0 || (byTime == 0 && run.getKey().sortKey().compareTo(sortKey) > 0);
        }

        String encode() {
            return Cursors.encode("run:" + last + "\n" + sortKey);
        }

        static RunPosition decode(String cursor) {
            return Cursors.decode(cursor, value -> {
                int split = value.indexOf('\n');
                return value.startsWith("run:") && split > 4
                        ? new RunPosition(Instant.parse(value.substring(4, split)), value.substring(split + 1)) : null;
            });
        }
    }

    /** Sums of one run: a group's totals, plus calls per mode and when the run started and last made a call. */
    private static final class RunTotals extends Totals {
        Instant first;
        Instant last;
        final Map<String, Long> modes = new TreeMap<>();

        @Override
        void add(UsageRecord r) {
            super.add(r);
            modes.merge(r.mode(), 1L, Long::sum);
            first = first == null || r.at().isBefore(first) ? r.at() : first;
            last = last == null || r.at().isAfter(last) ? r.at() : last;
        }

        @Override
        void writeTo(ObjectNode o) {
            super.writeTo(o);
            ObjectNode byMode = o.putObject("modes");
            modes.forEach(byMode::put);
            o.put("started_at", first.toString());
            o.put("ended_at", last.toString());
        }
    }

    /**
     * An ISO instant, or a date meaning its start ({@code from}) or the start of the next day ({@code to}), between
     * {@link #EARLIEST} and {@link #LATEST}: ISO also spells years up to ±1,000,000,000, which no record has and whose
     * microseconds do not fit the time-ordered ids the range is looked up by.
     */
    static Instant parseTime(String value, String name, boolean endOfDay) {
        Instant time;
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                time = (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                time = Instant.parse(value);
            }
        } catch (DateTimeParseException e) {
            throw new TollgateException(ErrorCode.VALIDATION_FAILED, "'" + name
                    + "' must be a date (2026-04-16) or an instant (2026-04-16T12:00:00Z)",
                    Map.of("pointer", "/" + name, "parameter", name));
        }
        if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
            throw new TollgateException(ErrorCode.VALIDATION_FAILED, "'" + name + "' must lie between "
                    + EARLIEST + " and " + LATEST, Map.of("pointer", "/" + name, "parameter", name));
        }
        return time;
    }

    /** Sums of one group. Percentiles by nearest rank over the group's latencies. */
    private static class Totals {
        long calls;
        long errors;
        long inputTokens;
        long outputTokens;
        long characters;
        long credits;
        final List<Long> latencies = new ArrayList<>();

        void add(UsageRecord r) {
            calls++;
            errors += r.isError() ? 1 : 0;
            inputTokens += r.inputTokens();
            outputTokens += r.outputTokens();
            characters += r.characters();
            credits = Math.addExact(credits, r.creditsMicros());
            latencies.add(r.latencyMs());
        }

        void writeTo(ObjectNode o) {
            o.put("calls", calls);
            o.put("errors", errors);
            o.put("input_tokens", inputTokens);
            o.put("output_tokens", outputTokens);
            o.put("characters", characters);
            o.put("credits", Credits.toCredits(credits));
            ObjectNode latency = o.putObject("latency_ms");
            latencies.sort(null);
            latency.put("p50", percentile(latencies, 50));
            latency.put("p95", percentile(latencies, 95));
        }

        static Long percentile(List<Long> sorted, int p) {
            if (sorted.isEmpty()) {
                return null;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }
    }
}
