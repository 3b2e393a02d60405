package dev.tollgate.testing;

import java.util.List;

/**
 * One valid call per catalog provider, for tests that go through every provider. {@value #CALLER_TEXT} in an input
 * marks free text the caller controls, where a test can put something for the provider to echo.
 */
public final class SampleCalls {
    public static final String CALLER_TEXT = "$TEXT";

    public record Sample(String tool, String operation, String input) {
        public String toolName() {
            return tool + "_" + operation;
        }

        /** The input with the caller's free text in place. */
        public String input(String text) {
            return input.replace(CALLER_TEXT, text);
        }
    }

    private SampleCalls() {
    }

    public static List<Sample> onePerProvider() {
        return List.of(
                new Sample("openai", "chat_completion",
                        "{\"model\":\"gpt-4o\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"$TEXT\"}]}"),
                new Sample("anthropic", "messages", "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":50,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"$TEXT\"}]}"),
                new Sample("gemini", "generate_content",
                        "{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"$TEXT\"}]}]}"),
                new Sample("openrouter", "chat_completion",
                        "{\"model\":\"openai/gpt-4o\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"$TEXT\"}]}"),
                new Sample("ollama", "chat", "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"$TEXT\"}]}"),
                new Sample("stripe", "list_customers", "{\"limit\":2}"),
                new Sample("twilio", "send_sms", "{\"To\":\"+14155550123\",\"From\":\"+14155550100\",\"Body\":\"$TEXT\"}"),
                new Sample("resend", "send_email",
                        "{\"from\":\"Acme <hi@acme.dev>\",\"to\":\"bo@example.com\",\"subject\":\"Hi\",\"text\":\"$TEXT\"}"),
                new Sample("tavily", "search", "{\"query\":\"$TEXT\"}"),
                new Sample("exa", "search", "{\"query\":\"$TEXT\"}"),
                new Sample("firecrawl", "scrape", "{\"url\":\"https://example.com\"}"),
                new Sample("elevenlabs", "text_to_speech", "{\"voice_id\":\"21m00Tcm4TlvDq8ikWAM\",\"text\":\"$TEXT\"}"),
                new Sample("browserbase", "create_session", "{\"projectId\":\"proj_1\"}"),
                new Sample("context7", "resolve_library", "{\"query\":\"$TEXT\"}"));
    }
}
