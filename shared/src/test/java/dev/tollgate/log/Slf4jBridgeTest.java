package dev.tollgate.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.EmfDocuments;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the AWS SDK and HttpClient log through SLF4J reaches the JSON log redacted, at WARN and ERROR only. */
class Slf4jBridgeTest {
    private static final String SECRET = "sk-proj-libraryLEAKlibraryLEAK0123456789";
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        Log.setOutput(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Log.setOutput(System.out);
        Log.setLevel(Log.Level.INFO);
        Log.unbind();
    }

    private List<JsonNode> lines() {
        return EmfDocuments.lines(buffer.toString(StandardCharsets.UTF_8));
    }

    @Test
    void slf4jBindsToTollgatesLog() {
        assertInstanceOf(Slf4jLogger.class, LoggerFactory.getLogger("software.amazon.awssdk.request"));
    }

    @Test
    void aLibraryWarningWithASecretIsRedactedAndCarriesTheInvocationIds() {
        Log.bind(new Log.Correlation("req_7", "8f5d2c1e-4b7a-4c3e-9d2f-1a2b3c4d5e6f", "JKJaXmPLvHcESHA=", null));
        Logger sdk = LoggerFactory.getLogger("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient");
        sdk.warn("Retrying request with header Authorization: Bearer {} and key {}",
                "tg_live_abcdefghijklmnopqrstuvwxyz012345", SECRET);

        List<JsonNode> lines = lines();
        assertEquals(1, lines.size(), lines.toString());
        JsonNode line = lines.get(0);
        assertEquals("WARN", line.path("level").asText());
        assertEquals("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient", line.path("logger").asText());
        assertTrue(line.path("msg").asText()
                .startsWith("Retrying request with header Authorization: Bearer [REDACTED]"), line.toString());
        assertFalse(line.toString().contains(SECRET), line.toString());
        assertFalse(line.toString().contains("abcdefghijklmnopqrstuvwxyz012345"), line.toString());
        assertEquals("req_7", line.path("request_id").asText());
        assertEquals("JKJaXmPLvHcESHA=", line.path("apigw_request_id").asText());
    }

    @Test
    void aLibraryErrorKeepsTheExceptionClassAndARedactedMessage() {
        Logger http = LoggerFactory.getLogger("org.apache.hc.client5.http.impl.classic.InternalHttpClient");
        http.error("connection failed", new IllegalStateException("refused for " + SECRET));

        JsonNode line = lines().get(0);
        assertEquals("ERROR", line.path("level").asText());
        assertEquals("java.lang.IllegalStateException", line.path("error").asText());
        assertFalse(line.toString().contains(SECRET), line.toString());
    }

    @Test
    void libraryDebugAndInfoAreDroppedAndErrorLevelDropsWarnings() {
        Log.setLevel(Log.Level.DEBUG);
        Logger wire = LoggerFactory.getLogger("org.apache.hc.client5.http.wire");
        assertFalse(wire.isDebugEnabled());
        wire.debug("http-outgoing-0 >> \"x-api-key: {}\"", SECRET);
        wire.info("connection leased");
        wire.trace("trace");
        assertTrue(lines().isEmpty(), lines().toString());

        Log.setLevel(Log.Level.ERROR);
        wire.warn("a warning");
        assertTrue(lines().isEmpty(), lines().toString());
        wire.error("an error");
        assertEquals(1, lines().size());
    }
}
