package dev.tollgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PricingTest {
    private static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREDIT = 1_000_000L;

    private static Pricing.PerThousandTokens tokens(String tool, String operation) {
        return (Pricing.PerThousandTokens) CATALOG.operation(tool, operation).orElseThrow().pricing();
    }

    private static Pricing pricing(String tool, String operation) {
        return CATALOG.operation(tool, operation).orElseThrow().pricing();
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}: in {3} µcr, out {4} µcr per 1K")
    @CsvSource({
            "openai,     chat_completion, gpt-4o,                    2500000,  10000000",
            "openai,     chat_completion, gpt-4o-mini,               150000,   600000",
            "openai,     embeddings,      text-embedding-3-small,    20000,    0",
            "anthropic,  messages,        claude-sonnet-4,           3000000,  15000000",
            "anthropic,  messages,        claude-sonnet-4-20250514,  3000000,  15000000",
            "anthropic,  messages,        claude-haiku,              250000,   1250000",
            "anthropic,  messages,        claude-3-haiku-20240307,   250000,   1250000",
            "gemini,     generate_content, gemini-2.5-flash,         300000,   2500000",
            "openrouter, chat_completion, openai/gpt-4o,             2500000,  10000000",
            "openrouter, chat_completion, openai/gpt-4o-mini,        150000,   600000",
            "openrouter, chat_completion, anthropic/claude-sonnet-4, 3000000,  15000000",
            "openrouter, chat_completion, anthropic/claude-3-haiku,  250000,   1250000"})
    void seedTokenPricesAreExact(String tool, String op, String model, long in, long out) {
        assertEquals(Optional.of(new ModelPrice(in, out)), tokens(tool, op).price(model));
    }

    @Test
    void seedOutputPricesPerThousandTokensInCredits() {
        assertEquals(10 * CREDIT, charge("openai", "chat_completion", "gpt-4o", 0, 1000));
        assertEquals(15 * CREDIT, charge("anthropic", "messages", "claude-sonnet-4", 0, 1000));
        assertEquals(1_250_000, charge("anthropic", "messages", "claude-haiku", 0, 1000));
        assertEquals(600_000, charge("openai", "chat_completion", "gpt-4o-mini", 0, 1000));
    }

    private static long charge(String tool, String op, String model, long in, long out) {
        Pricing.PerThousandTokens p = tokens(tool, op);
        return Pricing.PerThousandTokens.cost(p.price(model).orElseThrow(), Usage.tokens(in, out));
    }

    @ParameterizedTest(name = "{0}_{1}: {2} µcr per call")
    @CsvSource({
            "stripe,      list_customers,      100000",
            "stripe,      create_payment_link, 100000",
            "twilio,      send_sms,            1000000",
            "resend,      send_email,          100000",
            "tavily,      search,              1000000",
            "exa,         search,              1000000",
            "firecrawl,   scrape,              1000000",
            "browserbase, create_session,      5000000"})
    void seedPerCallPricesAreExact(String tool, String op, long micros) {
        Pricing p = pricing(tool, op);
        assertEquals(new Pricing.PerCall(micros), p);
        assertEquals(micros, p.quote(json("{}")).holdMicros());
        assertEquals(new Charge(micros, Usage.NONE, false), p.charge(json("{}"), json("{}")));
    }

    @Test
    void elevenlabsCostsThreeCreditsPerThousandCharactersRoundedUp() {
        Pricing.PerThousandCharacters p = (Pricing.PerThousandCharacters) pricing("elevenlabs", "text_to_speech");
        assertEquals(3 * CREDIT, p.microsPer1k());
        assertEquals(3_000, p.quote(json("{\"voice_id\":\"v\",\"text\":\"a\"}")).holdMicros());
        String text = "x".repeat(1500);
        ObjectNode input = json("{\"voice_id\":\"v\"}").put("text", text);
        assertEquals(4_500_000, p.quote(input).holdMicros());
        assertEquals(new Charge(4_500_000, Usage.characters(1500), false), p.charge(input, json("{}")));
        // characters are code points: an emoji is one character, not two UTF-16 units
        assertEquals(2, p.characters(json("{\"text\":\"\\u00e9\\ud83d\\udc4b\"}")));
        TollgateException e = assertThrows(TollgateException.class, () -> p.quote(json("{\"voice_id\":\"v\"}")));
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertEquals("/text", e.details().get("pointer"));
    }

    @Test
    void freeToolsCostNothingAndByokOnlyToolsHaveNoCreditPrice() {
        assertEquals(0, pricing("context7", "resolve_library").quote(json("{\"query\":\"react\"}")).holdMicros());
        assertTrue(pricing("context7", "get_docs").isFree());
        TollgateException e = assertThrows(TollgateException.class,
                () -> pricing("ollama", "chat").quote(json("{\"model\":\"llama3.2\",\"messages\":[]}")));
        assertEquals(ErrorCode.BYOK_REQUIRED, e.code());
    }

    @Test
    void tokenCostRoundsUpToTheMicroCredit() {
        assertEquals(0, PriceMath.tokenCost(0, 10 * CREDIT));
        assertEquals(10_000, PriceMath.tokenCost(1, 10 * CREDIT));
        assertEquals(150, PriceMath.tokenCost(1, 150_000));
        assertEquals(1, PriceMath.tokenCost(1, 1));
        assertEquals(1, PriceMath.tokenCost(1000, 1));
        assertEquals(2, PriceMath.tokenCost(1001, 1));
        assertEquals(1, PriceMath.tokenCost(3, 333));
        assertEquals(2, PriceMath.tokenCost(3, 334));
        assertEquals(0, PriceMath.tokenCost(12345, 0));
        assertEquals(2, PriceMath.estimateTokens(5));
        assertEquals(2, PriceMath.estimateTokens(8));
        assertEquals(0, PriceMath.estimateTokens(0));
    }

    @Test
    void tokenCostRefusesOverflowAndNegativeNumbers() {
        assertThrows(ArithmeticException.class, () -> PriceMath.tokenCost(Long.MAX_VALUE / 2, 10 * CREDIT));
        assertEquals(Long.MAX_VALUE / 1000 + 1, PriceMath.tokenCost(Long.MAX_VALUE, 1));
        assertThrows(IllegalArgumentException.class, () -> PriceMath.tokenCost(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> PriceMath.tokenCost(1, -1));
    }

    @Test
    void holdIsInputEstimatePlusOutputCap() {
        Pricing.PerThousandTokens p = tokens("openai", "chat_completion");
        ObjectNode input = json("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        // [{"role":"user","content":"hi"}] is 32 bytes -> 8 tokens
        assertEquals(8, p.estimatedInputTokens(input));
        Quote quote = p.quote(input);
        assertEquals(8, quote.estimatedInputTokens());
        assertEquals(Optional.of("gpt-4o"), quote.model());
        assertEquals(Optional.of(new OutputCap(4096, List.of("/max_completion_tokens"))), quote.outputCap());
        assertEquals(PriceMath.tokenCost(8, 2_500_000) + PriceMath.tokenCost(4096, 10 * CREDIT), quote.holdMicros());
        assertEquals(20_000 + 40_960_000, quote.holdMicros());
    }

    @Test
    void aSmallBalanceLowersTheOutputCapDownToTheOperationMinimum() {
        Pricing.PerThousandTokens p = tokens("openai", "chat_completion");
        ObjectNode input = json("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        Quote quote = p.quote(input);
        assertEquals(256, p.minOutputTokens());
        // 8 input tokens (0.02 credits) + 256 output tokens at 10 credits per 1K (2.56 credits)
        assertEquals(20_000 + 2_560_000, quote.minimumHoldMicros());

        // 3.78 credits afford (3.78 - 0.02) / 10 × 1000 = 376 output tokens
        long balance = 3_780_000;
        assertEquals(376, quote.outputCapWithin(balance).orElseThrow().maxOutputTokens());
        assertEquals(Optional.of("balance"), quote.outputCapSetBy(balance));
        assertTrue(quote.outputCapWithin(balance).orElseThrow().maxOutputTokens() * 10_000 + 20_000 <= balance,
                "the lowered cap is covered by the hold");
        assertEquals(256, quote.outputCapWithin(quote.minimumHoldMicros()).orElseThrow().maxOutputTokens());
        assertEquals(quote.outputCap(), quote.outputCapWithin(quote.holdMicros()));
        assertEquals(Optional.of("catalog"), quote.outputCapSetBy(quote.holdMicros()));
    }

    @Test
    void theCallersOwnLimitIsNeverRaisedAndLowersTheMinimum() {
        Pricing.PerThousandTokens p = tokens("openai", "chat_completion");
        ObjectNode small = json("{\"model\":\"gpt-4o\",\"max_tokens\":100,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        Quote quote = p.quote(small);
        assertEquals(quote.holdMicros(), quote.minimumHoldMicros(), "100 tokens asked: 100 is the minimum too");
        assertEquals(100, quote.outputCapWithin(quote.holdMicros()).orElseThrow().maxOutputTokens());
        assertEquals(Optional.of("caller"), quote.outputCapSetBy(quote.holdMicros()));

        ObjectNode big = small.deepCopy().put("max_tokens", 2000);
        Quote lowered = p.quote(big);
        assertEquals(20_000 + 2_560_000, lowered.minimumHoldMicros());
        assertEquals(1000, lowered.outputCapWithin(20_000 + 10_000_000).orElseThrow().maxOutputTokens());
        assertEquals(Optional.of("balance"), lowered.outputCapSetBy(20_000 + 10_000_000));
    }

    @Test
    void severalCompletionsShareTheLoweredCap() {
        Pricing.PerThousandTokens p = tokens("openai", "chat_completion");
        ObjectNode input = json("{\"model\":\"gpt-4o-mini\",\"n\":3,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        Quote quote = p.quote(input);
        long inputCost = PriceMath.tokenCost(8, 150_000);
        assertEquals(inputCost + PriceMath.tokenCost(3 * 256, 600_000), quote.minimumHoldMicros());
        long held = inputCost + PriceMath.tokenCost(3 * 1000, 600_000);
        assertEquals(1000, quote.outputCapWithin(held).orElseThrow().maxOutputTokens());
    }

    @Test
    void fixedPricesDoNotShrink() {
        Quote perCall = pricing("tavily", "search").quote(json("{\"query\":\"x\"}"));
        assertEquals(perCall.holdMicros(), perCall.minimumHoldMicros());
        Quote embeddings = pricing("openai", "embeddings").quote(json("{\"model\":\"text-embedding-3-small\","
                + "\"input\":\"hello\"}"));
        assertEquals(embeddings.holdMicros(), embeddings.minimumHoldMicros());
        assertEquals(Optional.empty(), embeddings.outputCapSetBy(embeddings.holdMicros()));
    }

    @Test
    void inputEstimateCountsUtf8BytesOfEveryPromptField() {
        Pricing.PerThousandTokens p = tokens("anthropic", "messages");
        ObjectNode ascii = json("{\"model\":\"claude-haiku\",\"max_tokens\":10,\"system\":\"abcd\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        // "abcd" is 6 bytes, the messages array 32: ceil(38 / 4) = 10
        assertEquals(10, p.estimatedInputTokens(ascii));
        ObjectNode accented = ascii.deepCopy().put("system", "\u00e9\u00e9\u00e9\u00e9");
        // four two-byte characters: 10 bytes + 32 = 42 -> 11
        assertEquals(11, p.estimatedInputTokens(accented));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{}                                              | 4096 | /max_completion_tokens",
            "{\"max_tokens\": 100}                           | 100  | /max_tokens",
            "{\"max_completion_tokens\": 200}                | 200  | /max_completion_tokens",
            "{\"max_completion_tokens\": 100000}             | 4096 | /max_completion_tokens",
            "{\"max_tokens\": 300, \"max_completion_tokens\": 50} | 50 | /max_completion_tokens,/max_tokens"})
    void outputCapIsTheSmallerOfRequestAndDefault(String fields, long cap, String pointers) {
        ObjectNode input = json(fields).put("model", "gpt-4o");
        input.putArray("messages").addObject().put("role", "user").put("content", "hi");
        ObjectNode original = input.deepCopy();
        Pricing.PerThousandTokens p = tokens("openai", "chat_completion");
        OutputCap outputCap = p.outputCap(input).orElseThrow();
        assertEquals(cap, outputCap.maxOutputTokens());
        assertEquals(List.of(pointers.split(",")), outputCap.pointers());
        ObjectNode capped = outputCap.applyTo(input);
        for (String pointer : outputCap.pointers()) {
            assertEquals(cap, capped.at(pointer).longValue());
        }
        assertEquals(original, input, "applyTo works on a copy");
    }

    @Test
    void geminiCapIsWrittenIntoANewGenerationConfig() {
        Pricing.PerThousandTokens p = tokens("gemini", "generate_content");
        ObjectNode input = json("{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}");
        ObjectNode capped = p.outputCap(input).orElseThrow().applyTo(input);
        assertEquals(4096, capped.at("/generationConfig/maxOutputTokens").longValue());
        assertTrue(input.path("generationConfig").isMissingNode(), "the caller's input is left alone");

        ObjectNode own = input.deepCopy();
        own.putObject("generationConfig").put("maxOutputTokens", 64).put("temperature", 0.2);
        ObjectNode ownCapped = p.outputCap(own).orElseThrow().applyTo(own);
        assertEquals(64, ownCapped.at("/generationConfig/maxOutputTokens").longValue());
        assertEquals(0.2, ownCapped.at("/generationConfig/temperature").doubleValue());

        ObjectNode broken = input.deepCopy().put("generationConfig", "fast");
        TollgateException e = assertThrows(TollgateException.class,
                () -> p.outputCap(broken).orElseThrow().applyTo(broken));
        assertEquals("/generationConfig", e.details().get("pointer"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0", "-5", "1.5", "\"100\"", "true"})
    void aCapFieldThatIsNotAPositiveIntegerIsAValidationError(String value) {
        ObjectNode input = json("{\"model\":\"gpt-4o\",\"messages\":[],\"max_tokens\":" + value + "}");
        TollgateException e = assertThrows(TollgateException.class,
                () -> tokens("openai", "chat_completion").quote(input));
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertEquals("/max_tokens", e.details().get("pointer"));
    }

    @Test
    void everyRequestedCompletionIsHeld() {
        Pricing.PerThousandTokens p = tokens("openai", "chat_completion");
        ObjectNode one = json("{\"model\":\"gpt-4o-mini\",\"messages\":[],\"max_tokens\":100}");
        ObjectNode three = one.deepCopy().put("n", 3);
        assertEquals(3, p.choices(three));
        long inputCost = PriceMath.tokenCost(p.estimatedInputTokens(one), 150_000);
        assertEquals(inputCost + PriceMath.tokenCost(300, 600_000), p.quote(three).holdMicros());
        assertThrows(TollgateException.class, () -> p.quote(one.deepCopy().put("n", 129)));
    }

    @Test
    void embeddingsHaveNoOutputCap() {
        Pricing.PerThousandTokens p = tokens("openai", "embeddings");
        ObjectNode input = json("{\"model\":\"text-embedding-3-small\",\"input\":\"" + "a".repeat(398) + "\"}");
        Quote quote = p.quote(input);
        assertEquals(Optional.empty(), quote.outputCap());
        assertEquals(100, quote.estimatedInputTokens());
        assertEquals(2_000, quote.holdMicros());
        assertEquals(new Charge(1_000, Usage.tokens(50, 0), false),
                p.charge(input, json("{\"usage\":{\"prompt_tokens\":50,\"total_tokens\":50}}")));
    }

    @Test
    void unknownModelIsNotPricedInCreditsMode() {
        Pricing.PerThousandTokens p = tokens("openrouter", "chat_completion");
        TollgateException e = assertThrows(TollgateException.class,
                () -> p.quote(json("{\"model\":\"meta-llama/llama-3-70b\",\"messages\":[]}")));
        assertEquals(ErrorCode.MODEL_NOT_PRICED, e.code());
        assertEquals(400, e.status());
        assertEquals("meta-llama/llama-3-70b", e.details().get("model"));
        assertTrue(((List<?>) e.details().get("priced_models")).contains("openai/gpt-4o"));
        assertTrue(e.getMessage().contains("meta-llama/llama-3-70b"));

        TollgateException missing = assertThrows(TollgateException.class,
                () -> tokens("openai", "chat_completion").quote(json("{\"messages\":[]}")));
        assertEquals(ErrorCode.MODEL_NOT_PRICED, missing.code());
        // BYOK needs no price: usage is still read for analytics
        assertEquals(Usage.tokens(5, 7), p.usage(json("{\"model\":\"meta-llama/llama-3-70b\"}"),
                json("{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}")));
    }

    @Test
    void gpt4oChargeFromReportedUsage() {
        Pricing.PerThousandTokens p = tokens("openai", "chat_completion");
        ObjectNode input = json("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode response = json("{\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":1000,\"total_tokens\":2000}}");
        assertEquals(new Charge(12_500_000, Usage.tokens(1000, 1000), false), p.charge(input, response));
    }

    @Test
    void anthropicCountsCachedInputAndGeminiCountsThinkingAsOutput() {
        Pricing.PerThousandTokens claude = tokens("anthropic", "messages");
        assertEquals(Optional.of(Usage.tokens(1111, 9)), claude.reportedUsage(json("{\"usage\":{\"input_tokens\":1,"
                + "\"cache_creation_input_tokens\":10,\"cache_read_input_tokens\":1100,\"output_tokens\":9}}")));
        Pricing.PerThousandTokens gemini = tokens("gemini", "generate_content");
        assertEquals(Optional.of(Usage.tokens(12, 350)), gemini.reportedUsage(json("{\"usageMetadata\":"
                + "{\"promptTokenCount\":12,\"candidatesTokenCount\":50,\"thoughtsTokenCount\":300}}")));
    }

    @Test
    void aResponseWithoutReadableUsageIsChargedTheHold() {
        Pricing.PerThousandTokens p = tokens("openai", "chat_completion");
        ObjectNode input = json("{\"model\":\"gpt-4o-mini\",\"messages\":[],\"max_tokens\":10}");
        long hold = p.quote(input).holdMicros();
        assertEquals(new Charge(hold, Usage.NONE, true), p.charge(input, json("{\"id\":\"x\"}")));
        assertEquals(new Charge(hold, Usage.NONE, true),
                p.charge(input, json("{\"usage\":{\"prompt_tokens\":\"many\",\"completion_tokens\":3}}")));
        assertEquals(new Charge(hold, Usage.NONE, true), p.charge(input, json("{\"usage\":{\"prompt_tokens\":-1}}")));
        assertEquals(Usage.NONE, p.usage(input, json("{}")));
    }

    /** Property: for any usage within the estimate and the cap, the charge never exceeds the hold. */
    @Test
    void holdCoversEveryChargeWithinTheCap() {
        Random random = new Random(7);
        List<String[]> ops = List.of(new String[]{"openai", "chat_completion"}, new String[]{"openai", "embeddings"},
                new String[]{"anthropic", "messages"}, new String[]{"gemini", "generate_content"},
                new String[]{"openrouter", "chat_completion"});
        int checked = 0;
        for (String[] op : ops) {
            Pricing.PerThousandTokens p = tokens(op[0], op[1]);
            for (String model : p.models().keySet()) {
                for (int i = 0; i < 200; i++) {
                    ObjectNode input = randomInput(random, model);
                    Quote quote = p.quote(input);
                    long cap = quote.outputCap().map(OutputCap::maxOutputTokens).orElse(0L) * p.choices(input);
                    long in = random.nextInt(5) == 0 ? quote.estimatedInputTokens()
                            : (long) (random.nextDouble() * (quote.estimatedInputTokens() + 1));
                    long out = random.nextInt(5) == 0 ? cap : (long) (random.nextDouble() * (cap + 1));
                    ObjectNode response = json("{}");
                    response.putObject("usage").put("prompt_tokens", in).put("completion_tokens", out)
                            .put("input_tokens", in).put("output_tokens", out);
                    response.putObject("usageMetadata").put("promptTokenCount", in).put("candidatesTokenCount", out);
                    Charge charge = p.charge(input, response);
                    assertFalse(charge.estimated());
                    assertTrue(charge.micros() <= quote.holdMicros(), op[0] + " " + model + ": charge "
                            + charge.micros() + " > hold " + quote.holdMicros() + " for " + input);
                    checked++;
                }
            }
        }
        assertTrue(checked > 1000);
    }

    private static ObjectNode randomInput(Random random, String model) {
        ObjectNode input = JSON.createObjectNode().put("model", model);
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(400);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(10) == 0 ? '\u00e9' : (char) ('a' + random.nextInt(26)));
        }
        input.putArray("messages").addObject().put("role", "user").put("content", text.toString());
        input.put("input", text.toString());
        input.put("system", text.toString());
        input.putArray("contents").addObject().putArray("parts").addObject().put("text", text.toString());
        int cap = 1 + random.nextInt(10_000);
        switch (random.nextInt(4)) {
            case 0 -> input.put("max_tokens", cap);
            case 1 -> input.put("max_completion_tokens", cap);
            case 2 -> input.putObject("generationConfig").put("maxOutputTokens", cap);
            default -> { }
        }
        if (random.nextBoolean()) {
            input.put("n", 1 + random.nextInt(4));
        }
        return input;
    }

    @Test
    void describeShowsCreditsAsDecimals() {
        assertEquals(Map.of("type", "per_call", "credits", new BigDecimal("0.1")),
                pricing("stripe", "list_customers").describe());
        assertEquals(Map.of("type", "free"), pricing("context7", "get_docs").describe());
        Map<String, Object> gpt = pricing("openai", "chat_completion").describe();
        assertEquals(Map.of("input", new BigDecimal("2.5"), "output", new BigDecimal("10")),
                ((Map<?, ?>) gpt.get("models")).get("gpt-4o"));
        assertEquals(4096L, gpt.get("max_output_tokens"));
    }
}
