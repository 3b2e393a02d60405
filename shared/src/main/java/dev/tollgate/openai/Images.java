package dev.tollgate.openai;

/** {@code data:} URLs of images in OpenAI content parts, which Anthropic, Gemini and Ollama take as base64. */
final class Images {
    record DataUrl(String mediaType, String base64) {
    }

    private Images() {
    }

    /** The media type and base64 payload of a {@code data:image/…;base64,…} URL, or null for another URL. */
    static DataUrl parse(String url) {
        if (url == null || !url.startsWith("data:")) {
            return null;
        }
        int comma = url.indexOf(',');
        int marker = url.indexOf(";base64");
        if (comma < 0 || marker < 0 || marker > comma) {
            return null;
        }
        return new DataUrl(url.substring(5, marker), url.substring(comma + 1));
    }
}
