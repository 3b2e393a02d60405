package dev.tollgate.billing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What an account did with its credits and calls (SPEC 8.2–8.6): the ledger, newest first, and usage totals over a
 * time range grouped by provider, operation, day, mode or key. BYOK and free calls appear in usage with 0 credits.
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
            o.put("balance_after", Credits.toCredits(e.balanceAfter()));
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

    /** {@code GET /api/v1/usage?from=&to=&group_by=}. */
    public ObjectNode usage(String accountId, String fromParam, String toParam, String groupByParam) {
        Instant to = toParam == null ? clock.instant() : parseTime(toParam, "to", true);
        Instant from = fromParam == null ? to.minus(DEFAULT_RANGE) : parseTime(fromParam, "from", false);
        if (!from.isBefore(to)) {
            throw TollgateException.validation("/from", "'from' must be before 'to'");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw TollgateException.validation("/from", "the range may be at most " + MAX_RANGE.toDays() + " days");
        }
        String groupBy = groupByParam == null ? "provider" : groupByParam.toLowerCase(Locale.ROOT);
        Function<UsageRecord, String> keyOf = switch (groupBy) {
            case "provider" -> UsageRecord::provider;
            case "operation" -> r -> r.provider() + "_" + r.operation();
            case "day" -> r -> r.at().atZone(ZoneOffset.UTC).toLocalDate().toString();
            case "mode" -> UsageRecord::mode;
            case "key" -> r -> r.byokKeyId() != null ? r.byokKeyId() : (r.keySource() != null ? r.keySource() : "none");
            default -> throw TollgateException.validation("/group_by",
                    "group_by must be one of provider, operation, day, mode, key");
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
    private static final class Totals {
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
