package dev.tollgate.openai;

import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Pricing;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chat providers of the catalog behind {@code /v1}, and model ids as OpenAI clients send them:
 * {@code provider/model} ({@code openai/gpt-4o}, {@code openrouter/anthropic/claude-sonnet-4}, {@code ollama/llama3.2}),
 * or a bare model id that one of OpenAI, Anthropic and Gemini prices ({@code gpt-4o}), for clients that cannot be told
 * a prefix.
 */
public final class ChatModels {
    /** Which native API a chat provider speaks. */
    public enum Dialect { OPENAI, ANTHROPIC, GEMINI, OLLAMA }

    /** A chat provider and the catalog operation that chats. */
    public record Chat(String provider, String operation, Dialect dialect) {
    }

    /** What a model id names: the chat provider and the model id in the provider's own terms. */
    public record Target(Chat chat, String model) {
    }

    /** In {@code /v1/models} order. */
    public static final List<Chat> CHATS = List.of(
            new Chat("openai", "chat_completion", Dialect.OPENAI),
            new Chat("anthropic", "messages", Dialect.ANTHROPIC),
            new Chat("gemini", "generate_content", Dialect.GEMINI),
            new Chat("openrouter", "chat_completion", Dialect.OPENAI),
            new Chat("ollama", "chat", Dialect.OLLAMA));
    /** Providers whose priced models may be named without a prefix. */
    private static final List<String> BARE_NAME_PROVIDERS = List.of("openai", "anthropic", "gemini");
    private static final int MAX_ECHOED = 100;

    private final ProviderCatalog catalog;
    private final Map<String, Chat> byProvider = new LinkedHashMap<>();

    public ChatModels(ProviderCatalog catalog) {
        this.catalog = catalog;
        for (Chat chat : CHATS) {
            if (catalog.operation(chat.provider(), chat.operation()).isPresent()) {
                byProvider.put(chat.provider(), chat);
            }
        }
    }

    /** The chat providers the catalog has, in listing order. */
    public List<Chat> chats() {
        return List.copyOf(byProvider.values());
    }

    public Optional<Chat> chat(String provider) {
        return Optional.ofNullable(byProvider.get(provider));
    }

    /** The models the catalog prices for a chat provider (none for BYOK-only providers). */
    public List<String> pricedModels(Chat chat) {
        Operation operation = catalog.operation(chat.provider(), chat.operation()).orElseThrow();
        return operation.pricing() instanceof Pricing.PerThousandTokens tokens
                ? List.copyOf(tokens.models().keySet()) : List.of();
    }

    /**
     * @throws TollgateException {@code model_not_found} for an unknown provider prefix or an unknown bare model id
     */
    /** The provider a model id names, or null when it names none: a hint, never an error. */
    public String providerOf(String id) {
        try {
            return resolve(id).chat().provider();
        } catch (TollgateException unknown) {
            return null;
        }
    }

    public Target resolve(String id) {
        int slash = id.indexOf('/');
        if (slash > 0) {
            Chat chat = byProvider.get(id.substring(0, slash));
            String model = id.substring(slash + 1);
            if (chat != null && !model.isBlank()) {
                return new Target(chat, model);
            }
        } else {
            for (String provider : BARE_NAME_PROVIDERS) {
                Chat chat = byProvider.get(provider);
                if (chat != null && pricedModels(chat).contains(id)) {
                    return new Target(chat, id);
                }
            }
        }
        String shown = id.length() <= MAX_ECHOED ? id : id.substring(0, MAX_ECHOED) + "…";
        throw new TollgateException(ErrorCode.MODEL_NOT_FOUND, "The model '" + shown + "' does not exist here: name it "
                + "as provider/model (openai/gpt-4o, anthropic/claude-sonnet-4, gemini/gemini-2.5-flash, "
                + "openrouter/<id>, ollama/<model>); GET /v1/models lists them", Map.of("model", shown));
    }
}
