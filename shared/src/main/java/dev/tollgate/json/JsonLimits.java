package dev.tollgate.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * What a JSON document read by Tollgate may hold, enforced while it is parsed, before any value reaches code that
 * renders or computes with it. A number such as {@code 1e999999999} is eleven characters of JSON but a billion
 * digits once written out plainly, and deep nesting is cheap to send and expensive to walk; both are refused with the
 * JSON pointer of the offending value.
 *
 * <ul>
 *   <li>number length, name length and (as a backstop, {@value #MAX_DOCUMENT_DEPTH}) nesting depth: Jackson's
 *       {@link StreamReadConstraints}, on every mapper built from {@link #factory()} (request bodies, MCP messages,
 *       provider responses, stored responses);</li>
 *   <li>nesting depth ({@value #MAX_NESTING_DEPTH}), number magnitude (power of ten of the leading digit within
 *       ±{@value #MAX_EXPONENT}; every IEEE double fits) and well-formed Unicode (no unpaired surrogate, which no UTF-8
 *       store or client can carry): checked by {@link #readTree} on what callers send.</li>
 * </ul>
 */
public final class JsonLimits {
    public static final int MAX_NESTING_DEPTH = 64;
    public static final int MAX_NUMBER_LENGTH = 100;
    public static final int MAX_NAME_LENGTH = 1_000;
    public static final int MAX_EXPONENT = 1_000;
    /** Largest scale (either sign) {@link #text} writes out plainly. */
    static final int MAX_PLAIN_SCALE = 30;

    /**
     * Jackson's own depth limit, for every document including provider responses and stored responses: twice a
     * caller's, so that a response which wraps a provider's result one level deeper still reads back.
     */
    static final int MAX_DOCUMENT_DEPTH = 2 * MAX_NESTING_DEPTH;

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DOCUMENT_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxNameLength(MAX_NAME_LENGTH)
            .build();

    private JsonLimits() {
    }

    /** A factory with the limits; give each {@link ObjectMapper} its own (a factory remembers its mapper). */
    public static JsonFactory factory() {
        return new JsonFactoryBuilder().streamReadConstraints(CONSTRAINTS).build();
    }

    /**
     * Parses a caller's document with every limit.
     *
     * @return the tree, or {@code null} for an empty document
     * @throws Violation                a limit was exceeded (with the pointer of the value)
     * @throws JsonProcessingException the text is not JSON
     */
    public static JsonNode readTree(ObjectMapper mapper, String json) throws JsonProcessingException {
        JsonParser parser;
        try {
            parser = new CheckedParser(mapper.getFactory().createParser(json));
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail with I/O", e);
        }
        try (parser) {
            return mapper.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw new Violation(pointer(parser), describe(e), e.getLocation());
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail with I/O", e);
        }
    }

    /** True when {@code value} is a number {@link #readTree} accepts. */
    public static boolean withinRange(BigDecimal value) {
        long leadingPower = (long) value.precision() - value.scale() - 1;
        return leadingPower >= -MAX_EXPONENT && leadingPower <= MAX_EXPONENT;
    }

    /**
     * A number as text for a form field, a query parameter or a fingerprint: written out plainly ({@code 1000},
     * {@code 0.25}) as providers expect, and in scientific notation ({@code 1E+400}) once its scale passes
     * ±{@value #MAX_PLAIN_SCALE}, so the text stays within a few characters of the number's own digits however large
     * its exponent ({@link BigDecimal#toPlainString()} alone turns {@code 1e999999999} into a billion characters).
     */
    public static String text(BigDecimal value) {
        return Math.abs((long) value.scale()) <= MAX_PLAIN_SCALE ? value.toPlainString() : value.toString();
    }

    /** Our own sentence for a Jackson constraint (its message names Java methods, which callers must not see). */
    private static String describe(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.startsWith("Document nesting depth")) {
            return "JSON is nested deeper than " + MAX_DOCUMENT_DEPTH + " levels";
        }
        if (message.startsWith("Number value length")) {
            return "a JSON number may have at most " + MAX_NUMBER_LENGTH + " characters";
        }
        if (message.startsWith("Name length")) {
            return "a JSON member name may have at most " + MAX_NAME_LENGTH + " characters";
        }
        return "the JSON document exceeds a size limit";
    }

    private static String pointer(JsonParser parser) {
        return parser.getParsingContext() == null ? "" : parser.getParsingContext().pathAsPointer().toString();
    }

    /** A document that is JSON but breaks a limit; {@link #pointer()} locates the value ("" for the root). */
    public static final class Violation extends JsonProcessingException {
        private final String pointer;

        Violation(String pointer, String message, JsonLocation location) {
            super(message, location);
            this.pointer = pointer;
        }

        public String pointer() {
            return pointer;
        }

        /** Without the location suffix Jackson appends: the message is for people, the pointer says where. */
        @Override
        public String getMessage() {
            return getOriginalMessage();
        }
    }

    /**
     * Checks each number and string as the parser reaches it, so a value is refused before the tree holding it
     * exists. Jackson's tree builder reads values through {@code nextToken} and member names through
     * {@code nextFieldName}; JsonLimitsTest pins that.
     */
    private static final class CheckedParser extends JsonParserDelegate {
        CheckedParser(JsonParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = delegate.nextToken();
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                if (delegate.getParsingContext().getNestingDepth() > MAX_NESTING_DEPTH) {
                    throw new Violation(pointer(delegate), "JSON is nested deeper than " + MAX_NESTING_DEPTH + " levels",
                            delegate.currentLocation());
                }
            } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                if (!withinRange(delegate.getDecimalValue())) {
                    throw new Violation(pointer(delegate), "a JSON number must lie between 1e-" + MAX_EXPONENT
                            + " and 1e" + MAX_EXPONENT + " in magnitude", delegate.currentLocation());
                }
            } else if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
                requireWellFormed(token == JsonToken.FIELD_NAME ? delegate.currentName() : delegate.getText());
            }
            return token;
        }

        @Override
        public String nextFieldName() throws IOException {
            return nextToken() == JsonToken.FIELD_NAME ? delegate.currentName() : null;
        }

        private void requireWellFormed(String text) throws Violation {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new Violation(pointer(delegate),
                            "a JSON string holds an unpaired surrogate (\\u" + Integer.toHexString(c)
                                    + "), which is not Unicode text", delegate.currentLocation());
                }
            }
        }
    }
}
