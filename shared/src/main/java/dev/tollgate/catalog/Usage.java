package dev.tollgate.catalog;

/** What a call consumed, for the receipt and the usage record; zero where a unit does not apply. */
public record Usage(long inputTokens, long outputTokens, long characters) {
    public static final Usage NONE = new Usage(0, 0, 0);

    public Usage {
        if (inputTokens < 0 || outputTokens < 0 || characters < 0) {
            throw new IllegalArgumentException("usage must not be negative");
        }
    }

    public static Usage tokens(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, 0);
    }

    public static Usage characters(long characters) {
        return new Usage(0, 0, characters);
    }
}
