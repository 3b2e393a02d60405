package dev.tollgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A small valid catalog, and one broken variant per load-time rule: each is refused with a message that says where. */
class CatalogValidationTest {
    private static final Config NO_ENV = Config.of(Map.of());

    private static final String VALID = """
            {"providers": [
              {"id": "acme", "name": "Acme", "base_url": "https://api.acme.test/", "auth": "bearer",
               "key_pattern": "^ak_[a-z0-9]{8,}$", "key_format": "starts with ak_", "byok": true, "platform_key": true,
               "verify": {"method": "GET", "path": "/v1/me"},
               "operations": [
                 {"id": "search", "description": "Search Acme.", "method": "POST", "path": "/v1/search",
                  "body": "json", "response": "json",
                  "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
                  "pricing": {"type": "per_call", "credits": "0.5"}}]},
              {"id": "llm", "name": "LLM", "base_url": "https://llm.test", "auth": "header:x-key",
               "key_pattern": "^k-[a-z]{4,}$", "key_format": "starts with k-", "byok": true, "platform_key": true,
               "verify": null,
               "operations": [
                 {"id": "complete", "description": "Complete text.", "method": "POST", "path": "/complete",
                  "body": "json", "response": "json", "timeout_ms": 10000,
                  "input_schema": {"type": "object", "properties": {"model": {"type": "string"},
                    "prompt": {"type": "string"}, "max_tokens": {"type": "integer"}}, "required": ["model", "prompt"]},
                  "pricing": {"type": "per_1k_tokens", "model_pointer": "/model",
                    "models": {"small": {"input": "0.1", "output": "0.2"}},
                    "usage": {"input_tokens": "/usage/in", "output_tokens": "/usage/out"},
                    "prompt_pointers": ["/prompt"], "max_output_tokens_pointers": ["/max_tokens"],
                    "default_max_output_tokens": 512}}]},
              {"id": "docs", "name": "Docs", "base_url": "https://docs.test", "auth": "none",
               "byok": false, "platform_key": false,
               "operations": [
                 {"id": "read", "description": "Read a page.", "method": "GET", "path": "/d/{page}",
                  "body": "none", "response": "json",
                  "input_schema": {"type": "object", "properties": {"page": {"type": "string"}}, "required": ["page"]},
                  "pricing": {"type": "free"}}]}
            ]}
            """;

    @Test
    void aNewProviderWithAKnownAuthStyleNeedsNoCode() {
        ProviderCatalog catalog = ProviderCatalog.fromJson(VALID, NO_ENV);
        Provider acme = catalog.provider("acme").orElseThrow();
        assertEquals(Optional.of("https://api.acme.test"), acme.baseUrl());
        assertTrue(acme.acceptsKey("ak_12345678"));
        Operation search = catalog.operationByToolName("acme_search").orElseThrow();
        assertEquals(Duration.ofMillis(CatalogParser.DEFAULT_TIMEOUT_MS), search.timeout());
        assertEquals(new Pricing.PerCall(500_000), search.pricing());
        assertEquals(Duration.ofSeconds(10), catalog.operation("llm", "complete").orElseThrow().timeout());
        assertEquals(List.of("acme", "llm"), catalog.creditProviders().stream().map(Provider::id).toList());
        assertTrue(catalog.provider("docs").orElseThrow().isFree());
        assertEquals(new Effects(true, Optional.empty()), search.effects(), "unclassified operations may act");
        assertEquals(256, ((Pricing.PerThousandTokens) catalog.operation("llm", "complete").orElseThrow().pricing())
                .minOutputTokens(), "the default minimum output");
    }

    @Test
    void theBundledCatalogSaysWhatARetryDoes() {
        ProviderCatalog catalog = ProviderCatalog.load(NO_ENV);
        assertEquals(Effects.RetryAfterUnknownOutcome.RESEND_WITH_SAME_KEY,
                catalog.operation("stripe", "create_payment_link").orElseThrow().effects().retryAfterUnknownOutcome());
        assertEquals(Effects.RetryAfterUnknownOutcome.RESEND_WITH_SAME_KEY,
                catalog.operation("resend", "send_email").orElseThrow().effects().retryAfterUnknownOutcome());
        assertEquals(Effects.RetryAfterUnknownOutcome.REFUSE,
                catalog.operation("twilio", "send_sms").orElseThrow().effects().retryAfterUnknownOutcome());
        assertEquals(Effects.RetryAfterUnknownOutcome.REFUSE,
                catalog.operation("browserbase", "create_session").orElseThrow().effects().retryAfterUnknownOutcome());
        for (String reads : List.of("openai_chat_completion", "tavily_search", "stripe_list_customers",
                "context7_get_docs", "elevenlabs_text_to_speech")) {
            assertEquals(Effects.NONE, catalog.operationByToolName(reads).orElseThrow().effects(), reads);
        }
    }

    static Stream<Arguments> brokenCatalogs() {
        return Stream.of(
                broken("duplicate provider id", "\"id\": \"docs\"", "\"id\": \"acme\"",
                        "provider id 'acme' is used twice"),
                broken("regex that does not compile", "^ak_[a-z0-9]{8,}$", "^ak_[a-z0-9{8,}$",
                        "provider 'acme'", "key_pattern does not compile"),
                broken("regex not anchored", "^ak_[a-z0-9]{8,}$", "ak_[a-z0-9]{8,}",
                        "provider 'acme'", "anchored"),
                broken("missing base_url", "\"base_url\": \"https://api.acme.test/\", ", "",
                        "provider 'acme'", "'base_url' is required"),
                broken("base_url not http", "https://api.acme.test/", "file:///etc/passwd",
                        "provider 'acme'", "base_url must be an absolute http(s) URL"),
                broken("negative price", "\"credits\": \"0.5\"", "\"credits\": \"-0.5\"",
                        "provider 'acme', operation 'search', pricing", "must not be negative"),
                broken("price below a micro-credit", "\"credits\": \"0.5\"", "\"credits\": \"0.0000001\"",
                        "operation 'search', pricing", "6 decimal places"),
                broken("price as a JSON number", "\"credits\": \"0.5\"", "\"credits\": 0.5",
                        "operation 'search', pricing", "decimal string"),
                broken("price not a number", "\"credits\": \"0.5\"", "\"credits\": \"half\"",
                        "operation 'search', pricing", "not a decimal number"),
                broken("unknown pricing type", "\"type\": \"per_call\"", "\"type\": \"per_minute\"",
                        "operation 'search', pricing", "is not one of"),
                broken("upper-case operation id", "\"id\": \"search\"", "\"id\": \"Search\"",
                        "operation 'Search'", "lower-case"),
                broken("input_schema not an object schema", "{\"type\": \"object\", \"properties\": {\"q\"",
                        "{\"type\": \"array\", \"properties\": {\"q\"",
                        "operation 'search'", "input_schema must be a JSON Schema with \"type\": \"object\""),
                broken("required field not declared", "\"required\": [\"q\"]", "\"required\": [\"query\"]",
                        "operation 'search'", "required lists 'query'"),
                broken("misspelt field", "\"starts with ak_\", \"byok\": true,",
                        "\"starts with ak_\", \"byok\": true, \"platfrom_key\": true,",
                        "provider 'acme'", "unknown field 'platfrom_key'"),
                broken("unknown auth style", "\"auth\": \"bearer\"", "\"auth\": \"token\"",
                        "provider 'acme'", "bearer, header:<Name>, query:<param>, basic, base_url, none"),
                broken("GET with a body", "\"body\": \"none\"", "\"body\": \"json\"",
                        "operation 'read'", "body must be \"none\" for GET"),
                broken("path placeholder without input", "\"/d/{page}\"", "\"/d/{slug}\"",
                        "operation 'read'", "{slug} must be a required property"),
                broken("free operation on a keyed provider", "\"type\": \"per_call\", \"credits\": \"0.5\"",
                        "\"type\": \"free\"", "operation 'search'", "auth none"),
                broken("priced operation without auth", "\"type\": \"free\"",
                        "\"type\": \"per_call\", \"credits\": \"1\"", "operation 'read'", "only have free operations"),
                broken("key pattern on a free provider", "\"auth\": \"none\",",
                        "\"auth\": \"none\", \"key_pattern\": \"^x$\",", "provider 'docs'", "takes no key_pattern"),
                broken("byok_only with a platform key", "\"type\": \"per_call\", \"credits\": \"0.5\"",
                        "\"type\": \"byok_only\"", "operation 'search'", "byok_only pricing needs"),
                broken("key but no way to pay", "\"starts with ak_\", \"byok\": true, \"platform_key\": true,",
                        "\"starts with ak_\", \"byok\": false, \"platform_key\": false,",
                        "provider 'acme'", "neither byok nor platform_key"),
                broken("timeout above the API Gateway limit", "\"timeout_ms\": 10000", "\"timeout_ms\": 60000",
                        "operation 'complete'", "timeout_ms must be an integer from 1000 to 29000"),
                broken("model pointer outside the input", "\"model_pointer\": \"/model\"",
                        "\"model_pointer\": \"/engine\"", "operation 'complete', pricing", "declared input property"),
                broken("model without output price", "{\"input\": \"0.1\", \"output\": \"0.2\"}",
                        "{\"input\": \"0.1\"}", "model 'small'", "output must be a decimal string"),
                broken("cap without default", "\"default_max_output_tokens\": 512", "\"choices_pointers\": [\"/n\"]",
                        "operation 'complete', pricing", "default_max_output_tokens must be an integer"),
                broken("minimum output above the cap", "\"default_max_output_tokens\": 512",
                        "\"default_max_output_tokens\": 512, \"min_output_tokens\": 513",
                        "operation 'complete', pricing", "min_output_tokens must be an integer from 1"),
                broken("side_effects not a boolean", "\"body\": \"json\", \"response\": \"json\",\n",
                        "\"body\": \"json\", \"response\": \"json\", \"side_effects\": \"yes\",\n",
                        "operation 'search'", "side_effects must be true or false"),
                broken("idempotency header on a read", "\"body\": \"json\", \"response\": \"json\",\n",
                        "\"body\": \"json\", \"response\": \"json\", \"side_effects\": false, "
                                + "\"idempotency_header\": \"Idempotency-Key\",\n",
                        "operation 'search'", "only for operations with side effects"),
                broken("idempotency header that is not a header name", "\"body\": \"json\", \"response\": \"json\",\n",
                        "\"body\": \"json\", \"response\": \"json\", \"idempotency_header\": \"Idem Key\",\n",
                        "operation 'search'", "idempotency_header must be a header name"),
                broken("prompt pointer that is not a pointer", "[\"/prompt\"]", "[\"prompt\"]",
                        "operation 'complete', pricing", "not a JSON pointer"),
                broken("no usage extractor", "\"usage\": {\"input_tokens\": \"/usage/in\", \"output_tokens\": \"/usage/out\"},",
                        "", "operation 'complete', pricing", "usage must be"),
                broken("reserved static header", "\"auth\": \"header:x-key\",",
                        "\"auth\": \"header:x-key\", \"headers\": {\"Authorization\": \"x\"},",
                        "provider 'llm'", "reserved"),
                broken("static header repeating the auth header", "\"auth\": \"header:x-key\",",
                        "\"auth\": \"header:x-key\", \"headers\": {\"X-Key\": \"x\"},", "provider 'llm'", "auth header"),
                broken("secret path parameter without basic auth", "\"auth\": \"bearer\",",
                        "\"auth\": \"bearer\", \"path_params_from_secret\": {\"Sid\": \"user\"},",
                        "provider 'acme'", "needs auth basic"),
                broken("verify path with an input placeholder", "\"/v1/me\"", "\"/v1/{me}\"",
                        "provider 'acme', verify", "have no value"),
                broken("base_url on a base_url provider", "\"auth\": \"bearer\"", "\"auth\": \"base_url\"",
                        "provider 'acme'", "base_url must be absent"),
                broken("query parameter on a GET", "\"body\": \"none\", \"response\": \"json\",",
                        "\"body\": \"none\", \"response\": \"json\", \"query_params\": [\"page\"],",
                        "operation 'read'", "query_params is only for operations with a body"),
                broken("default for an undeclared field", "\"body\": \"none\", \"response\": \"json\",",
                        "\"body\": \"none\", \"response\": \"json\", \"input_defaults\": {\"lang\": \"en\"},",
                        "operation 'read'", "input_defaults.lang is not an input property"),
                broken("duplicate JSON member", "\"name\": \"Acme\",", "\"name\": \"Acme\", \"name\": \"Acme2\",",
                        "not valid JSON", "Duplicate field 'name'"),
                broken("not JSON at all", "{\"providers\": [", "{\"providers\": [[", "not valid JSON", "line"));
    }

    private static Arguments broken(String name, String from, String to, String... fragments) {
        return Arguments.of(name, from, to, List.of(fragments));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCatalogs")
    void brokenCatalogIsRefusedWithAHelpfulMessage(String name, String from, String to, List<String> fragments) {
        int first = VALID.indexOf(from);
        assertTrue(first >= 0 && first == VALID.lastIndexOf(from), "test fixture: '" + from + "' must occur once");
        String json = VALID.replace(from, to);
        InvalidCatalogException e = assertThrows(InvalidCatalogException.class,
                () -> ProviderCatalog.fromJson(json, NO_ENV));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    @Test
    void toolNamesLongerThan64CharactersAreRefused() {
        String json = VALID.replace("\"id\": \"acme\"", "\"id\": \"acmeacmeacmeacmeacmeacmeacmeacme\"")
                .replace("\"id\": \"search\"", "\"id\": \"search_search_search_search_search_search\"");
        InvalidCatalogException e = assertThrows(InvalidCatalogException.class,
                () -> ProviderCatalog.fromJson(json, NO_ENV));
        assertTrue(e.getMessage().contains("operation 'search_search_search_search_search_search'"), e.getMessage());
        assertTrue(e.getMessage().contains("^[a-zA-Z0-9_-]{1,64}$"), e.getMessage());
    }

    @Test
    void providersWithoutOperationsAreRefused() {
        String json = "{\"providers\": [{\"id\": \"docs\", \"name\": \"Docs\", \"base_url\": \"https://d.test\","
                + " \"auth\": \"none\", \"byok\": false, \"platform_key\": false, \"operations\": []}]}";
        InvalidCatalogException e = assertThrows(InvalidCatalogException.class,
                () -> ProviderCatalog.fromJson(json, NO_ENV));
        assertEquals("catalog: provider 'docs': 'operations' must be a non-empty array", e.getMessage());
    }

    @Test
    void emptyCatalogsAreRefused() {
        assertThrows(InvalidCatalogException.class, () -> ProviderCatalog.fromJson("{\"providers\": []}", NO_ENV));
        assertThrows(InvalidCatalogException.class, () -> ProviderCatalog.fromJson("[]", NO_ENV));
        assertThrows(InvalidCatalogException.class, () -> ProviderCatalog.fromJson("", NO_ENV));
    }

    @Test
    void overrideWithQueryOrUserInfoIsRefused() {
        for (String url : List.of("http://user:pw@host", "http://host/?a=b", "host:8080", "http:///path")) {
            InvalidCatalogException e = assertThrows(InvalidCatalogException.class, () -> ProviderCatalog.fromJson(VALID,
                    Config.of(Map.of("TOLLGATE_UPSTREAM_ACME_URL", url))), url);
            assertTrue(e.getMessage().contains("TOLLGATE_UPSTREAM_ACME_URL"), e.getMessage());
        }
    }
}
