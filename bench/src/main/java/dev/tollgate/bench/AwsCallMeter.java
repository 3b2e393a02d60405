package dev.tollgate.bench;

import dev.tollgate.store.TimedAwsCalls;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts AWS SDK calls per service/operation and the wall time spent inside them, so a benchmark can report AWS
 * round trips per request and separate "time in AWS" from Tollgate's own time.
 */
public final class AwsCallMeter extends TimedAwsCalls {
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final AtomicLong nanos = new AtomicLong();

    @Override
    protected void record(String service, String operation, long callNanos) {
        nanos.addAndGet(callNanos);
        calls.computeIfAbsent(service + ":" + operation, k -> new AtomicLong()).incrementAndGet();
    }

    public long totalCalls() {
        return calls.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public long totalNanos() {
        return nanos.get();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public void reset() {
        calls.clear();
        nanos.set(0);
    }
}
