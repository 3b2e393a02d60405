package dev.tollgate.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How an operation is priced. Every amount is held as {@code long} micro-credits, converted exactly from the
 * catalog's decimal strings at load time. The methods take the caller's {@code input} object and, after the call,
 * the provider's response; they are pure.
 *
 * <p>{@link #quote} and {@link #charge} are for credits mode. {@link #usage} applies in every mode (analytics).
 */
public sealed interface Pricing
        permits Pricing.Free, Pricing.ByokOnly, Pricing.PerCall, Pricing.PerThousandCharacters,
        Pricing.PerThousandTokens {

    /** The catalog name: {@code free}, {@code byok_only}, {@code per_call}, {@code per_1k_characters}, {@code per_1k_tokens}. */
    String type();

    /** Free operations are called without any key and never touch the balance. */
    default boolean isFree() {
        return false;
    }

    /**
     * The hold for a credits-mode call with this input.
     *
     * @throws TollgateException {@code model_not_priced} for a token-priced call naming an unpriced model,
     *                           {@code byok_required} for a BYOK-only operation, {@code validation_failed} for an
     *                           input the price cannot be computed from
     */
    Quote quote(JsonNode input);

    /** The amount owed for a successful credits-mode call, from the provider's response where it reports usage. */
    Charge charge(JsonNode input, JsonNode response);

    /** Consumption of a successful call in any mode; {@link Usage#NONE} where nothing is measured. */
    default Usage usage(JsonNode input, JsonNode response) {
        return Usage.NONE;
    }

    /** The price as shown in tool listings: credits as decimals. */
    Map<String, Object> describe();

    /** No charge and no key: called anonymously. */
    record Free() implements Pricing {
        @Override
        public String type() {
            return "free";
        }

        @Override
        public boolean isFree() {
            return true;
        }

        @Override
        public Quote quote(JsonNode input) {
            return Quote.flat(0);
        }

        @Override
        public Charge charge(JsonNode input, JsonNode response) {
            return new Charge(0, Usage.NONE, false);
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("type", type());
        }
    }

    /**
     * No credit price: reachable only with the customer's own key (e.g. their Ollama server). Token counts the provider
     * reports (empty pointer lists: none) still go into the usage record, so analytics show BYOK consumption.
     */
    record ByokOnly(List<String> inputTokensPointers, List<String> outputTokensPointers) implements Pricing {
        public ByokOnly {
            inputTokensPointers = List.copyOf(inputTokensPointers);
            outputTokensPointers = List.copyOf(outputTokensPointers);
        }

        /** Without usage pointers. */
        public ByokOnly() {
            this(List.of(), List.of());
        }

        @Override
        public String type() {
            return "byok_only";
        }

        @Override
        public Usage usage(JsonNode input, JsonNode response) {
            return reportedTokens(response, inputTokensPointers, outputTokensPointers).orElse(Usage.NONE);
        }

        @Override
        public Quote quote(JsonNode input) {
            throw notInCredits();
        }

        @Override
        public Charge charge(JsonNode input, JsonNode response) {
            throw notInCredits();
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("type", type());
        }

        private static TollgateException notInCredits() {
            return new TollgateException(ErrorCode.BYOK_REQUIRED,
                    "This operation has no credit price: register your own key for the provider to use it");
        }
    }

    /** A fixed price per successful call. */
    record PerCall(long micros) implements Pricing {
        public PerCall {
            requireNonNegative(micros);
        }

        @Override
        public String type() {
            return "per_call";
        }

        @Override
        public Quote quote(JsonNode input) {
            return Quote.flat(micros);
        }

        @Override
        public Charge charge(JsonNode input, JsonNode response) {
            return new Charge(micros, Usage.NONE, false);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", type());
            out.put("credits", Credits.toCredits(micros));
            return Collections.unmodifiableMap(out);
        }
    }

    /**
     * A price per 1,000 characters of one text field of the input (ElevenLabs). The text is known before the call,
     * so the hold is the charge.
     */
    record PerThousandCharacters(long microsPer1k, String charactersPointer) implements Pricing {
        public PerThousandCharacters {
            requireNonNegative(microsPer1k);
            Objects.requireNonNull(charactersPointer, "charactersPointer");
        }

        @Override
        public String type() {
            return "per_1k_characters";
        }

        /**
         * Unicode code points of the priced text.
         *
         * @throws TollgateException {@code validation_failed} if the field is missing or not a string
         */
        public long characters(JsonNode input) {
            JsonNode text = JsonPointers.at(input, charactersPointer);
            if (!text.isTextual()) {
                throw TollgateException.validation(charactersPointer,
                        "'" + charactersPointer.substring(1) + "' is required and must be a string");
            }
            String s = text.textValue();
            return s.codePointCount(0, s.length());
        }

        @Override
        public Quote quote(JsonNode input) {
            return Quote.flat(PriceMath.characterCost(characters(input), microsPer1k));
        }

        @Override
        public Charge charge(JsonNode input, JsonNode response) {
            long characters = characters(input);
            return new Charge(PriceMath.characterCost(characters, microsPer1k), Usage.characters(characters), false);
        }

        @Override
        public Usage usage(JsonNode input, JsonNode response) {
            return Usage.characters(characters(input));
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", type());
            out.put("credits", Credits.toCredits(microsPer1k));
            return Collections.unmodifiableMap(out);
        }
    }

    /**
     * Prices per 1,000 input and output tokens by model.
     *
     * <p>Hold = estimated input tokens × input price + output cap × choices × output price, each rounded up, where
     * the input estimate is {@link PriceMath#estimateTokens} of the UTF-8 JSON of the prompt fields, the output cap
     * is the smaller of the caller's limit and {@code defaultMaxOutputTokens}, and choices is the number of
     * completions asked for (OpenAI's {@code n}). Charge = reported input tokens × input price + reported output
     * tokens × output price, each rounded up; it is at most the hold whenever the reported input is within the
     * estimate and the output within the cap.
     *
     * @param modelPointer             where the model id is in the input (also for a model that goes into the URL path)
     * @param models                   prices by model id, in catalog order
     * @param inputTokensPointers      response fields summed into input tokens
     * @param outputTokensPointers     response fields summed into output tokens (may be empty)
     * @param promptPointers           input fields whose JSON size estimates the input tokens
     * @param maxOutputTokensPointers  input fields that limit output tokens, the preferred one first (may be empty:
     *                                 then nothing is output-priced, e.g. embeddings)
     * @param defaultMaxOutputTokens   the cap when the caller sets none, and the ceiling when they set more
     * @param minOutputTokens          the fewest output tokens a call is sent with when the balance cannot cover the
     *                                 cap (or the caller's own limit if lower); 0 without cap fields
     * @param choicesPointers          input fields asking for several completions (may be empty)
     */
    record PerThousandTokens(String modelPointer, Map<String, ModelPrice> models, List<String> inputTokensPointers,
                             List<String> outputTokensPointers, List<String> promptPointers,
                             List<String> maxOutputTokensPointers, long defaultMaxOutputTokens, long minOutputTokens,
                             List<String> choicesPointers) implements Pricing {
        /** Largest number of completions accepted in one credits-mode call. */
        public static final long MAX_CHOICES = 128;
        /** {@code min_output_tokens} when the catalog names none: enough for a short answer. */
        public static final long DEFAULT_MIN_OUTPUT_TOKENS = 256;
        private static final ObjectMapper PLAIN = new ObjectMapper();
        private static final int MAX_ECHOED_MODEL_LENGTH = 100;

        public PerThousandTokens {
            Objects.requireNonNull(modelPointer, "modelPointer");
            models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
            inputTokensPointers = List.copyOf(inputTokensPointers);
            outputTokensPointers = List.copyOf(outputTokensPointers);
            promptPointers = List.copyOf(promptPointers);
            maxOutputTokensPointers = List.copyOf(maxOutputTokensPointers);
            choicesPointers = List.copyOf(choicesPointers);
            if (maxOutputTokensPointers.isEmpty() ? defaultMaxOutputTokens != 0 : defaultMaxOutputTokens < 1) {
                throw new IllegalArgumentException(
                        "default_max_output_tokens must be positive with cap fields, and absent without");
            }
            if (maxOutputTokensPointers.isEmpty() ? minOutputTokens != 0
                    : minOutputTokens < 1 || minOutputTokens > defaultMaxOutputTokens) {
                throw new IllegalArgumentException(
                        "min_output_tokens must be from 1 to default_max_output_tokens with cap fields, and absent without");
            }
        }

        @Override
        public String type() {
            return "per_1k_tokens";
        }

        /** The model id the caller asked for, if the input names one. */
        public Optional<String> model(JsonNode input) {
            JsonNode node = JsonPointers.at(input, modelPointer);
            return node.isTextual() && !node.textValue().isBlank() ? Optional.of(node.textValue()) : Optional.empty();
        }

        public Optional<ModelPrice> price(String model) {
            return Optional.ofNullable(models.get(model));
        }

        /**
         * The price of the model named in the input.
         *
         * @throws TollgateException {@code model_not_priced} if there is no model or it has no price
         */
        public ModelPrice requirePrice(JsonNode input) {
            Optional<String> model = model(input);
            Optional<ModelPrice> price = model.flatMap(this::price);
            if (price.isPresent()) {
                return price.get();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("model", model.map(PerThousandTokens::shorten).orElse(null));
            details.put("priced_models", List.copyOf(models.keySet()));
            String message = model.isEmpty()
                    ? "A model is required to price this call in credits mode"
                    : "Model '" + shorten(model.get()) + "' has no credit price; use a priced model or your own key";
            throw new TollgateException(ErrorCode.MODEL_NOT_PRICED, message, details);
        }

        /** ceil(UTF-8 bytes of the JSON of every present prompt field / 4). */
        public long estimatedInputTokens(JsonNode input) {
            long bytes = 0;
            for (String pointer : promptPointers) {
                JsonNode node = JsonPointers.at(input, pointer);
                if (!node.isMissingNode()) {
                    bytes = Math.addExact(bytes, utf8JsonLength(node));
                }
            }
            return PriceMath.estimateTokens(bytes);
        }

        /**
         * The smallest output limit the caller set in any of the cap fields.
         *
         * @throws TollgateException {@code validation_failed} if a cap field is not a positive integer
         */
        public OptionalLong requestedMaxOutputTokens(JsonNode input) {
            OptionalLong min = OptionalLong.empty();
            for (String pointer : maxOutputTokensPointers) {
                OptionalLong value = JsonPointers.positiveInputLong(input, pointer);
                if (value.isPresent() && (min.isEmpty() || value.getAsLong() < min.getAsLong())) {
                    min = value;
                }
            }
            return min;
        }

        /**
         * The limit to send: min(caller's limit, default), written into every cap field the caller used, or into the
         * preferred field if they used none. Empty when the operation has no output to limit.
         */
        public Optional<OutputCap> outputCap(JsonNode input) {
            if (maxOutputTokensPointers.isEmpty()) {
                return Optional.empty();
            }
            OptionalLong requested = requestedMaxOutputTokens(input);
            long cap = requested.isPresent()
                    ? Math.min(requested.getAsLong(), defaultMaxOutputTokens) : defaultMaxOutputTokens;
            List<String> fields = new ArrayList<>();
            for (String pointer : maxOutputTokensPointers) {
                if (JsonPointers.isPresent(input, pointer)) {
                    fields.add(pointer);
                }
            }
            if (fields.isEmpty()) {
                fields.add(maxOutputTokensPointers.get(0));
            }
            return Optional.of(new OutputCap(cap, fields));
        }

        /**
         * Completions asked for: the largest value among the choices fields, 1 if none.
         *
         * @throws TollgateException {@code validation_failed} if not a positive integer up to {@link #MAX_CHOICES}
         */
        public long choices(JsonNode input) {
            long choices = 1;
            for (String pointer : choicesPointers) {
                OptionalLong value = JsonPointers.positiveInputLong(input, pointer);
                if (value.isPresent()) {
                    if (value.getAsLong() > MAX_CHOICES) {
                        throw TollgateException.validation(pointer,
                                "'" + pointer.substring(1) + "' must be at most " + MAX_CHOICES);
                    }
                    choices = Math.max(choices, value.getAsLong());
                }
            }
            return choices;
        }

        /**
         * The hold for the full output cap, and how it shrinks: down to {@link #minOutputTokens} (or the caller's own
         * lower limit) when the balance does not cover it.
         */
        @Override
        public Quote quote(JsonNode input) {
            ModelPrice price = requirePrice(input);
            long inputTokens = estimatedInputTokens(input);
            Optional<OutputCap> cap = outputCap(input);
            long choices = choices(input);
            long outputTokens = cap.map(c -> Math.multiplyExact(c.maxOutputTokens(), choices)).orElse(0L);
            long inputCost = PriceMath.tokenCost(inputTokens, price.inputMicrosPer1k());
            long hold = Math.addExact(inputCost, PriceMath.tokenCost(outputTokens, price.outputMicrosPer1k()));
            Optional<Quote.OutputSizing> sizing = cap.isPresent() && price.outputMicrosPer1k() > 0
                    ? Optional.of(new Quote.OutputSizing(inputCost, price.outputMicrosPer1k(), choices,
                            minOutputTokens, requestedMaxOutputTokens(input).isPresent()
                            && requestedMaxOutputTokens(input).getAsLong() <= defaultMaxOutputTokens))
                    : Optional.empty();
            return new Quote(hold, model(input), cap, inputTokens, sizing);
        }

        /**
         * The provider's reported token counts, or empty if the response reports none, or reports one that is not a
         * non-negative integer.
         */
        public Optional<Usage> reportedUsage(JsonNode response) {
            return reportedTokens(response, inputTokensPointers, outputTokensPointers);
        }

        /** Input and output tokens at the model's prices, each rounded up. */
        public static long cost(ModelPrice price, Usage usage) {
            return Math.addExact(PriceMath.tokenCost(usage.inputTokens(), price.inputMicrosPer1k()),
                    PriceMath.tokenCost(usage.outputTokens(), price.outputMicrosPer1k()));
        }

        @Override
        public Charge charge(JsonNode input, JsonNode response) {
            ModelPrice price = requirePrice(input);
            Optional<Usage> usage = reportedUsage(response);
            if (usage.isPresent()) {
                return new Charge(cost(price, usage.get()), usage.get(), false);
            }
            return new Charge(quote(input).holdMicros(), Usage.NONE, true);
        }

        @Override
        public Usage usage(JsonNode input, JsonNode response) {
            return reportedUsage(response).orElse(Usage.NONE);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> prices = new LinkedHashMap<>();
            models.forEach((model, price) -> {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("input", Credits.toCredits(price.inputMicrosPer1k()));
                p.put("output", Credits.toCredits(price.outputMicrosPer1k()));
                prices.put(model, p);
            });
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", type());
            out.put("models", prices);
            if (defaultMaxOutputTokens > 0) {
                out.put("max_output_tokens", defaultMaxOutputTokens);
                out.put("min_output_tokens", minOutputTokens);
            }
            return Collections.unmodifiableMap(out);
        }

        private static long utf8JsonLength(JsonNode node) {
            try {
                return PLAIN.writeValueAsString(node).getBytes(StandardCharsets.UTF_8).length;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise a parsed JSON node", e);
            }
        }

        private static String shorten(String model) {
            return model.length() <= MAX_ECHOED_MODEL_LENGTH ? model : model.substring(0, MAX_ECHOED_MODEL_LENGTH) + "…";
        }
    }

    /**
     * The token counts a provider response reports: each list of pointers is summed. Empty if the response reports
     * none, or reports one that is not a non-negative integer.
     */
    static Optional<Usage> reportedTokens(JsonNode response, List<String> inputPointers, List<String> outputPointers) {
        long[] totals = new long[2];
        boolean found = false;
        List<List<String>> groups = List.of(inputPointers, outputPointers);
        for (int i = 0; i < groups.size(); i++) {
            for (String pointer : groups.get(i)) {
                JsonNode node = JsonPointers.at(response, pointer);
                if (node.isMissingNode()) {
                    continue;
                }
                OptionalLong value = JsonPointers.nonNegativeLong(node);
                if (value.isEmpty()) {
                    return Optional.empty();
                }
                totals[i] = Math.addExact(totals[i], value.getAsLong());
                found = true;
            }
        }
        return found ? Optional.of(Usage.tokens(totals[0], totals[1])) : Optional.empty();
    }

    private static void requireNonNegative(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("price must not be negative");
        }
    }
}
