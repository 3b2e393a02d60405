package dev.tollgate.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where a dialect sends the {@code chat.completion.chunk}s of a stream, in order, as they are made. */
interface ChunkSink {

    /** One choice's delta (and its finish reason, or null) as a chunk of this completion. */
    void choice(int index, ObjectNode delta, String finishReason);

    /** An OpenAI-shaped provider's own chunk, forwarded with this completion's id and the caller's model name. */
    void forward(ObjectNode chunk);
}
