package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inputs are checked against the operation's JSON Schema; errors point at the field from the body's root. */
class InputValidatorTest {
    private static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));
    private final InputValidator validator = new InputValidator();

    private TollgateException invalid(String tool, String op, String input) throws Exception {
        var operation = CATALOG.operation(tool, op).orElseThrow();
        var json = input == null ? null : Json.read(input);
        return assertThrows(TollgateException.class, () -> validator.validate(operation, json));
    }

    @Test
    void missingRequiredFieldPointsAtTheField() throws Exception {
        TollgateException e = invalid("openai", "chat_completion", "{\"model\":\"gpt-4o\"}");
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertEquals("/input/messages", e.details().get("pointer"));
    }

    @Test
    void nestedProblemsPointIntoArrays() throws Exception {
        TollgateException e = invalid("openai", "chat_completion",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}");
        assertEquals("/input/messages/0/role", e.details().get("pointer"));
        assertTrue(e.getMessage().contains("messages/0/role"), e.getMessage());
        assertEquals("/input/messages", invalid("openai", "chat_completion", "{\"model\":\"gpt-4o\",\"messages\":[]}")
                .details().get("pointer"));
        assertEquals("/input/max_tokens", invalid("anthropic", "messages",
                "{\"model\":\"m\",\"max_tokens\":\"ten\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .details().get("pointer"));
        assertEquals("/input/stream", invalid("openai", "chat_completion",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"stream\":true}").details().get("pointer"));
    }

    @Test
    void inputMustBeAnObject() throws Exception {
        assertEquals("/input", invalid("tavily", "search", null).details().get("pointer"));
        assertEquals("/input", invalid("tavily", "search", "[1]").details().get("pointer"));
    }

    @Test
    void validInputsPass() throws Exception {
        validator.validate(CATALOG.operation("tavily", "search").orElseThrow(), Json.read("{\"query\":\"x\"}"));
        validator.validate(CATALOG.operation("stripe", "list_customers").orElseThrow(), Json.read("{}"));
        validator.validate(CATALOG.operation("twilio", "send_sms").orElseThrow(),
                Json.read("{\"To\":\"+1\",\"Body\":\"b\",\"MessagingServiceSid\":\"MG1\"}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, invalid("twilio", "send_sms", "{\"To\":\"+1\",\"Body\":\"b\"}").code());
    }
}
